package dev.flagstore.chaos;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.flagstore.autoconfigure.FlagstoreProperties;
import dev.flagstore.spring.redis.RedisPersistentDataStore;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.SerializedItemDescriptor;
import dev.flagstore.test.RedisServerProcess;
import dev.flagstore.test.TcpFaultProxy;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Redis through Spring Data Redis and Lettuce, on a {@link RedisServerProcess} of the suite's own (so it can be
 * killed and frozen), reached through a {@link TcpFaultProxy}.
 *
 * <p>Each instance gets its own Lettuce {@link ClientResources} with the reconnect delay the starter configures by
 * default ({@code flagstore.redis.max-reconnect-delay=1s}: Lettuce's own doubling, capped at 1 s instead of 30 s);
 * they are shut down with the instance, so the thread-leak check covers Lettuce too.
 */
final class RedisBackend implements ChaosBackend {

	/** The starter's default {@code flagstore.redis.max-reconnect-delay}. */
	static final Duration MAX_RECONNECT_DELAY = new FlagstoreProperties.Redis().getMaxReconnectDelay();

	/** Lettuce runs reconnect delays on a timer that ticks every 100 ms, so each wait may be up to a tick longer. */
	static final Duration LETTUCE_TIMER_TICK = Duration.ofMillis(100);

	private final RedisServerProcess server;

	private final TcpFaultProxy proxy;

	private final String prefix = "chaos-" + UUID.randomUUID().toString().substring(0, 8);

	private final @Nullable String password;

	RedisBackend(RedisServerProcess server, @Nullable String password) {
		this.server = server;
		this.password = password;
		this.proxy = TcpFaultProxy.start("127.0.0.1", server.port());
	}

	RedisServerProcess server() {
		return this.server;
	}

	@Override
	public String describe() {
		return "Redis (own redis-server, Lettuce via TCP fault proxy)";
	}

	@Override
	public boolean durable() {
		return false;
	}

	/**
	 * Lettuce waits 2^(n-1) ms before its n-th reconnect attempt, so the wait under way when the server comes back is
	 * at most the time it has been failing + 1 ms, and at most the cap; plus a tick of its timer.
	 */
	@Override
	public Duration reconnectBackoff(Duration failingFor) {
		return ChaosBackend.doublingBackoff(failingFor, Duration.ofMillis(1), MAX_RECONNECT_DELAY)
			.plus(LETTUCE_TIMER_TICK);
	}

	@Override
	public String reconnectBackoffNote() {
		return "Lettuce's reconnect back-off: its wait under way when the server comes back, at most the time the "
				+ "client had been failing + 1 ms, capped at " + MAX_RECONNECT_DELAY.toMillis() + " ms (the starter's default "
				+ "max-reconnect-delay), + 100 ms (its timer's tick)";
	}

	@Override
	public TcpFaultProxy proxy() {
		return this.proxy;
	}

	@Override
	public StoreInstance openInstance(String name, Duration clientTimeout) {
		ClientResources resources = DefaultClientResources.builder()
			.ioThreadPoolSize(2)
			.computationThreadPoolSize(2)
			.reconnectDelay(Delay.exponential(Duration.ZERO, MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
			.build();
		LettuceConnectionFactory factory = factory(this.proxy.getHost(), this.proxy.getPort(), clientTimeout, resources);
		RedisPersistentDataStore store = new RedisPersistentDataStore(factory, this.prefix, clientTimeout);
		return new StoreInstance(name, store, () -> {
			factory.destroy();
			resources.shutdown(0, 5, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
		});
	}

	@Override
	public void clear() throws Exception {
		this.server.cli("FLUSHALL");
	}

	@Override
	public Class<?> bootAutoConfiguration() {
		return DataRedisAutoConfiguration.class;
	}

	@Override
	public Map<String, String> bootProperties() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.data.redis.host", this.proxy.getHost());
		properties.put("spring.data.redis.port", Integer.toString(this.proxy.getPort()));
		if (this.password != null) {
			properties.put("spring.data.redis.password", this.password);
		}
		properties.put("flagstore.store.type", "redis");
		properties.put("flagstore.redis.prefix", this.prefix);
		return properties;
	}

	@Override
	public String clientSettings(BootInstance instance) {
		LettuceClientConfiguration client = instance.bean(LettuceConnectionFactory.class).getClientConfiguration();
		ClientOptions options = client.getClientOptions().orElseGet(ClientOptions::create);
		return "Lettuce command timeout " + client.getCommandTimeout().toMillis() + " ms, connect timeout "
				+ options.getSocketOptions().getConnectTimeout().toMillis() + " ms, command expiry "
				+ (options.getTimeoutOptions().isTimeoutCommands() ? "on" : "off") + ", shutdown timeout "
				+ client.getShutdownTimeout().toMillis() + " ms; PING of isStoreAvailable "
				+ RedisPersistentDataStore.DEFAULT_AVAILABILITY_TIMEOUT.toMillis() + " ms";
	}

	@Override
	public void seed(FullDataSet<SerializedItemDescriptor> data) throws Exception {
		ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1)
			.build();
		LettuceConnectionFactory factory = factory("127.0.0.1", this.server.port(), Duration.ofSeconds(30), resources);
		try {
			new RedisPersistentDataStore(factory, this.prefix).init(data);
		}
		finally {
			factory.destroy();
			resources.shutdown(0, 5, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
		}
	}

	@Override
	public Map<String, Integer> readVersions(DataKind kind) throws Exception {
		ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1)
			.build();
		LettuceConnectionFactory factory = factory("127.0.0.1", this.server.port(), Duration.ofSeconds(5), resources);
		try {
			RedisPersistentDataStore direct = new RedisPersistentDataStore(factory, this.prefix);
			Map<String, Integer> versions = new LinkedHashMap<>();
			direct.getAll(kind).items().forEach((key, item) -> versions.put(key, version(kind, item)));
			return versions;
		}
		finally {
			factory.destroy();
			resources.shutdown(0, 5, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
		}
	}

	/** Every item the server holds now for {@code kind}, tombstones included, read over a direct connection. */
	Map<String, SerializedItemDescriptor> readItems(DataKind kind) throws Exception {
		ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1)
			.build();
		LettuceConnectionFactory factory = factory("127.0.0.1", this.server.port(), Duration.ofSeconds(5), resources);
		try {
			return new LinkedHashMap<>(new RedisPersistentDataStore(factory, this.prefix).getAll(kind).items());
		}
		finally {
			factory.destroy();
			resources.shutdown(0, 5, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
		}
	}

	@Override
	public boolean isInitialized() throws Exception {
		return this.server.cli("EXISTS", this.prefix + ":$inited").trim().equals("1");
	}

	@Override
	public int serverConnections() throws Exception {
		return this.server.connectedClients();
	}

	@Override
	public void close() {
		this.proxy.close();
		this.server.close();
	}

	static int version(DataKind kind, SerializedItemDescriptor item) {
		if (item.version() != 0 || item.deleted()) {
			return item.version();
		}
		String text = item.serializedItem();
		return (text != null) ? kind.deserialize(text).version() : -1;
	}

	private LettuceConnectionFactory factory(String host, int port, Duration timeout, ClientResources resources) {
		RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration(host, port);
		if (this.password != null) {
			configuration.setPassword(this.password);
		}
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.clientResources(resources)
			.commandTimeout(timeout)
			.shutdownTimeout(Duration.ZERO)
			.clientOptions(ClientOptions.builder()
				.socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
				.build())
			.build();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(configuration, client);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

}
