package dev.flagstore.spring.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.store.NonBlockingReads;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.store.SerializedItemDescriptor;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * A {@link PersistentDataStore} on Redis, through Spring Data Redis, so it uses the application's
 * {@code spring.data.redis.*} connection.
 *
 * <p>Key layout, under a prefix (default {@code flagstore}):
 * <ul>
 * <li>{@code <prefix>:<kind>} — a hash of the items of one kind: field = item key, value = serialized item (a
 * deleted item is kept as its kind's tombstone placeholder);</li>
 * <li>{@code <prefix>:$versions:<kind>} — a hash of the same fields holding each item's version, read by the
 * versioned upsert;</li>
 * <li>{@code <prefix>:$kinds} — the set of kind names that have data, so that {@code init} can remove them all;</li>
 * <li>{@code <prefix>:$inited} — present once {@code init} has run.</li>
 * </ul>
 * {@code init} replaces everything in one {@code WATCH}/{@code MULTI}/{@code EXEC} transaction (retried if another
 * client changed the set of kinds meanwhile); {@code upsert} is one Lua script, atomic however many application
 * instances write; reads answer the stored string only (version {@code 0}), so the wrapper decodes version and
 * deletion from it and a malformed value is reported for that item alone.
 *
 * <p>Timeouts: every command runs with the connection factory's command timeout
 * ({@code spring.data.redis.timeout}; set it, since Lettuce's default is 60 s), and {@link #isStoreAvailable()}
 * sends one {@code PING} that it waits for at most the availability timeout given here (default 1 s). The
 * connection factory belongs to the application: {@link #close()} does not close it. Thread-safe.
 *
 * <p>Non-blocking reads ({@link NonBlockingReads}): with a {@code LettuceConnectionFactory} that shares its native
 * connection (Spring's default), is not pooled and not a cluster, {@code get} and {@code getAll} are sent as
 * {@code HGET}/{@code HGETALL} through Lettuce's asynchronous API on that shared connection, so the wrapper starts
 * them on the reading thread with no hand-off. Obtaining the shared connection from the factory may connect
 * synchronously (the first time, and after the factory reset or replaced it), so that is never done on a reading
 * thread: a read that finds no usable connection waits for one thread of this store
 * ({@code flagstore-redis-connect}) to obtain it, within the wrapper's deadline. Reads of a connection that is
 * merely disconnected go to it as they are (Lettuce queues or rejects them, per its client options). With Jedis, a
 * pooled or a cluster configuration, {@link #isNonBlocking()} answers {@code false} and the wrapper runs the
 * blocking methods on its store-call threads.
 */
public class RedisPersistentDataStore implements PersistentDataStore, NonBlockingReads {

	/** Default of how long {@link #isStoreAvailable()} waits for {@code PING}. */
	public static final Duration DEFAULT_AVAILABILITY_TIMEOUT = Duration.ofSeconds(1);

	private static final int MAX_INIT_ATTEMPTS = 20;

	private static final boolean LETTUCE_PRESENT = ClassUtils.isPresent(
			"io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands",
			RedisPersistentDataStore.class.getClassLoader());

	/**
	 * KEYS: items hash, versions hash, kinds set. ARGV: item key, version, serialized item, kind name. The current
	 * version comes from the versions hash or, for an item written without one, from the item's JSON
	 * {@code version} field; an unreadable item counts as no version, so a good write can replace it.
	 */
	private static final RedisScript<Long> UPSERT_SCRIPT = RedisScript.of("""
			local current = redis.call('HGET', KEYS[2], ARGV[1])
			local currentVersion = nil
			if current then
			  currentVersion = tonumber(current)
			else
			  local old = redis.call('HGET', KEYS[1], ARGV[1])
			  if old then
			    local ok, doc = pcall(cjson.decode, old)
			    if ok and type(doc) == 'table' then currentVersion = tonumber(doc['version']) end
			  end
			end
			if currentVersion and currentVersion >= tonumber(ARGV[2]) then
			  return 0
			end
			redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
			redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
			redis.call('SADD', KEYS[3], ARGV[4])
			return 1
			""", Long.class);

	private final RedisConnectionFactory connectionFactory;

	private final StringRedisTemplate redis;

	private final String prefix;

	private final Duration availabilityTimeout;

	/** The server's version, once a probe has read it; for {@link #describeConfiguration()} only. */
	private volatile @Nullable String serverVersion;

	/** The asynchronous reads over the factory's shared Lettuce connection, or {@code null} where they do not apply. */
	private final @Nullable LettuceReads lettuceReads;

	private volatile boolean closed;

	/**
	 * Creates a store with the default availability timeout.
	 * @param connectionFactory the application's Redis connection factory; not closed by this store
	 * @param prefix the key prefix, such as {@code flagstore}; not empty
	 */
	public RedisPersistentDataStore(RedisConnectionFactory connectionFactory, String prefix) {
		this(connectionFactory, prefix, DEFAULT_AVAILABILITY_TIMEOUT);
	}

	/**
	 * Creates a store.
	 * @param connectionFactory the application's Redis connection factory; not closed by this store
	 * @param prefix the key prefix, such as {@code flagstore}; not empty
	 * @param availabilityTimeout how long {@link #isStoreAvailable()} waits for {@code PING}; positive
	 */
	public RedisPersistentDataStore(RedisConnectionFactory connectionFactory, String prefix,
			Duration availabilityTimeout) {
		Assert.notNull(connectionFactory, "'connectionFactory' must not be null");
		Assert.hasText(prefix, "'prefix' must not be empty");
		Assert.notNull(availabilityTimeout, "'availabilityTimeout' must not be null");
		Assert.isTrue(!availabilityTimeout.isNegative() && !availabilityTimeout.isZero(),
				() -> "'availabilityTimeout' must be positive: " + availabilityTimeout);
		this.connectionFactory = connectionFactory;
		this.prefix = prefix;
		this.availabilityTimeout = availabilityTimeout;
		this.redis = new StringRedisTemplate(connectionFactory);
		this.lettuceReads = LETTUCE_PRESENT ? LettuceReads.forFactory(connectionFactory) : null;
	}

	/**
	 * The key prefix.
	 * @return the prefix
	 */
	public String getPrefix() {
		return this.prefix;
	}

	@Override
	public void init(FullDataSet<SerializedItemDescriptor> allData) {
		checkOpen();
		// Serialize up front, so the transaction holds only Redis commands.
		Map<String, Map<String, String>> items = new LinkedHashMap<>();
		Map<String, Map<String, String>> versions = new LinkedHashMap<>();
		allData.data().forEach((kind, keyed) -> {
			Map<String, String> kindItems = new LinkedHashMap<>();
			Map<String, String> kindVersions = new LinkedHashMap<>();
			keyed.items().forEach((key, item) -> {
				kindItems.put(key, storedForm(kind, item));
				kindVersions.put(key, Integer.toString(item.version()));
			});
			items.put(kind.getName(), kindItems);
			versions.put(kind.getName(), kindVersions);
		});
		for (int attempt = 1; attempt <= MAX_INIT_ATTEMPTS; attempt++) {
			List<Object> result = this.redis.execute(new InitTransaction(items, versions));
			if (result != null && !result.isEmpty()) {
				return;
			}
			// EXEC was aborted: another client changed the set of kinds after WATCH. Read it again and retry.
		}
		throw new IllegalStateException("init did not complete after " + MAX_INIT_ATTEMPTS
				+ " attempts: the set of kinds under prefix '" + this.prefix + "' kept changing");
	}

	@Override
	public @Nullable SerializedItemDescriptor get(DataKind kind, String key) {
		checkOpen();
		Object value = this.redis.opsForHash().get(itemsKey(kind.getName()), key);
		return (value != null) ? new SerializedItemDescriptor(0, false, value.toString()) : null;
	}

	@Override
	public KeyedItems<SerializedItemDescriptor> getAll(DataKind kind) {
		checkOpen();
		Map<Object, Object> entries = this.redis.opsForHash().entries(itemsKey(kind.getName()));
		// Sorted by key: a Redis hash has no order, and a stable one makes logs and tests readable.
		Map<String, SerializedItemDescriptor> items = new TreeMap<>();
		entries.forEach((key, value) -> items.put(key.toString(),
				new SerializedItemDescriptor(0, false, value.toString())));
		return new KeyedItems<>(items);
	}

	/**
	 * Whether {@link #getAsync} and {@link #getAllAsync} apply: only with a Lettuce connection factory that shares
	 * one native connection, is not pooled and is not a cluster (see the class description).
	 * @return whether reads are sent without blocking the caller
	 */
	@Override
	public boolean isNonBlocking() {
		return this.lettuceReads != null;
	}

	/**
	 * Sends {@code HGET} asynchronously (see the class description); never blocks.
	 * @throws IllegalStateException if this store is closed, or if {@link #isNonBlocking()} answers {@code false}
	 */
	@Override
	public CompletionStage<@Nullable SerializedItemDescriptor> getAsync(DataKind kind, String key) {
		checkOpen();
		return requireLettuceReads().hget(bytes(itemsKey(kind.getName())), bytes(key))
			.thenApply(value -> (value != null) ? new SerializedItemDescriptor(0, false, string(value)) : null);
	}

	/**
	 * Sends {@code HGETALL} asynchronously (see the class description); never blocks.
	 * @throws IllegalStateException if this store is closed, or if {@link #isNonBlocking()} answers {@code false}
	 */
	@Override
	public CompletionStage<KeyedItems<SerializedItemDescriptor>> getAllAsync(DataKind kind) {
		checkOpen();
		return requireLettuceReads().hgetall(bytes(itemsKey(kind.getName()))).thenApply(entries -> {
			// Sorted by key, as getAll.
			Map<String, SerializedItemDescriptor> items = new TreeMap<>();
			entries.forEach((key, value) -> items.put(string(key), new SerializedItemDescriptor(0, false, string(value))));
			return new KeyedItems<>(items);
		});
	}

	private LettuceReads requireLettuceReads() {
		LettuceReads reads = this.lettuceReads;
		if (reads == null) {
			throw new IllegalStateException("Non-blocking reads need a LettuceConnectionFactory that shares its native "
					+ "connection (not pooled, not a cluster); isNonBlocking() answers false here");
		}
		return reads;
	}

	private static byte[] bytes(String text) {
		// As StringRedisTemplate's serializers: UTF-8.
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String string(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	@Override
	public boolean upsert(DataKind kind, String key, SerializedItemDescriptor item) {
		checkOpen();
		Assert.notNull(item, "'item' must not be null");
		String name = kind.getName();
		Long written = this.redis.execute(UPSERT_SCRIPT, List.of(itemsKey(name), versionsKey(name), kindsKey()), key,
				Integer.toString(item.version()), storedForm(kind, item), name);
		return written != null && written == 1L;
	}

	@Override
	public boolean isInitialized() {
		checkOpen();
		return Boolean.TRUE.equals(this.redis.hasKey(initedKey()));
	}

	@Override
	public boolean isStoreAvailable() {
		if (this.closed) {
			return false;
		}
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			boolean pong = "PONG".equalsIgnoreCase(ping(connection));
			if (pong && this.serverVersion == null) {
				rememberServerVersion(connection);
			}
			return pong;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			return false;
		}
	}

	/** Once, on a probe that reached the server: its version, for {@link #describeConfiguration()}. */
	private void rememberServerVersion(RedisConnection connection) {
		try {
			String info = LETTUCE_PRESENT ? LettucePing.info(connection, this.availabilityTimeout) : null;
			java.util.Properties properties = new java.util.Properties();
			if (info != null) {
				properties.load(new java.io.StringReader(info));
			}
			else {
				java.util.Properties answered = connection.serverCommands().info("server");
				if (answered != null) {
					properties = answered;
				}
			}
			String version = properties.getProperty("redis_version");
			if (version != null) {
				this.serverVersion = version.trim();
			}
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			// Only a description: the next probe tries again.
		}
	}

	/**
	 * Describes the store: its key prefix, whether reads are non-blocking, and the Redis server's version once a
	 * probe has read it (the store's first availability check or heartbeat). Never the connection's URL, host
	 * credentials or password. No I/O.
	 * @return the description
	 */
	@Override
	public java.util.Map<String, Object> describeConfiguration() {
		java.util.Map<String, Object> description = new java.util.LinkedHashMap<>();
		description.put("type", "redis");
		description.put("prefix", this.prefix);
		description.put("nonBlockingReads", isNonBlocking());
		description.put("product", "Redis");
		String version = this.serverVersion;
		if (version != null) {
			description.put("serverVersion", version);
		}
		return description;
	}

	/**
	 * With Lettuce, sends {@code PING} asynchronously and waits at most the availability timeout, whatever the
	 * factory's command timeout; with other clients, a plain {@code PING}.
	 */
	private @Nullable String ping(RedisConnection connection) throws Exception {
		if (LETTUCE_PRESENT) {
			String answer = LettucePing.ping(connection, this.availabilityTimeout);
			if (answer != null) {
				return answer;
			}
		}
		return connection.ping();
	}

	/**
	 * Marks this store closed; later calls throw {@link IllegalStateException} and {@link #isStoreAvailable()}
	 * answers {@code false}. The connection factory stays open: it belongs to the application. Idempotent.
	 */
	@Override
	public void close() {
		this.closed = true;
		if (this.lettuceReads != null) {
			this.lettuceReads.close();
		}
	}

	@Override
	public String toString() {
		return "RedisPersistentDataStore{prefix='" + this.prefix + "'}";
	}

	String itemsKey(String kind) {
		return this.prefix + ":" + kind;
	}

	String versionsKey(String kind) {
		return this.prefix + ":$versions:" + kind;
	}

	String kindsKey() {
		return this.prefix + ":$kinds";
	}

	String initedKey() {
		return this.prefix + ":$inited";
	}

	private void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("The Redis data store (prefix '" + this.prefix + "') is closed");
		}
	}

	/** The string kept for an item; a tombstone without one gets its kind's placeholder. */
	private static String storedForm(DataKind kind, SerializedItemDescriptor item) {
		String text = item.serializedItem();
		if (text != null) {
			return text;
		}
		if (!item.deleted()) {
			throw new IllegalArgumentException("A live item needs a serialized form (version " + item.version() + ")");
		}
		return kind.serialize(ItemDescriptor.deleted(item.version()));
	}

	/**
	 * WATCHes the set of kinds, reads it, and replaces all kinds (old and new) in one MULTI/EXEC. Runs on one
	 * connection, as Spring Data Redis requires for a transaction.
	 */
	private final class InitTransaction implements SessionCallback<List<Object>> {

		private final Map<String, Map<String, String>> items;

		private final Map<String, Map<String, String>> versions;

		InitTransaction(Map<String, Map<String, String>> items, Map<String, Map<String, String>> versions) {
			this.items = items;
			this.versions = versions;
		}

		@Override
		@SuppressWarnings("unchecked")
		public <K, V> List<Object> execute(RedisOperations<K, V> operations) throws DataAccessException {
			RedisOperations<String, String> ops = (RedisOperations<String, String>) operations;
			String kindsKey = kindsKey();
			ops.watch(kindsKey);
			Set<String> oldKinds = ops.opsForSet().members(kindsKey);
			Set<String> allKinds = new LinkedHashSet<>((oldKinds != null) ? oldKinds : Set.of());
			allKinds.addAll(this.items.keySet());
			List<String> toDelete = new ArrayList<>();
			for (String kind : allKinds) {
				toDelete.add(itemsKey(kind));
				toDelete.add(versionsKey(kind));
			}
			toDelete.add(kindsKey);
			ops.multi();
			ops.delete(toDelete);
			this.items.forEach((kind, kindItems) -> {
				if (!kindItems.isEmpty()) {
					ops.opsForHash().putAll(itemsKey(kind), kindItems);
					ops.opsForHash().putAll(versionsKey(kind), this.versions.get(kind));
					ops.opsForSet().add(kindsKey, kind);
				}
			});
			ops.opsForValue().set(initedKey(), "1");
			return ops.exec();
		}

	}

	/** Kept apart so that Lettuce types are only loaded when Lettuce is on the class path. */
	private static final class LettucePing {

		/** Answers the PING reply, or {@code null} if the connection is not a Lettuce one. */
		static @Nullable String ping(RedisConnection connection, Duration timeout) throws Exception {
			Object nativeConnection = connection.getNativeConnection();
			if (nativeConnection instanceof io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands<?, ?> async) {
				return async.ping().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
			}
			return null;
		}

		/** Answers {@code INFO server}, or {@code null} if the connection is not a Lettuce one. */
		static @Nullable String info(RedisConnection connection, Duration timeout) throws Exception {
			Object nativeConnection = connection.getNativeConnection();
			if (nativeConnection instanceof io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands<?, ?> async) {
				return async.info("server").get(timeout.toNanos(), TimeUnit.NANOSECONDS);
			}
			return null;
		}

	}

	/**
	 * {@code HGET} and {@code HGETALL} through Lettuce's asynchronous API on the connection factory's shared native
	 * connection. The connection is obtained from the factory (which may connect, synchronously) on this class's own
	 * thread, never on a reader's; readers then use it directly for as long as it is not closed (a reset or a
	 * validation failure of the factory closes it). Kept apart so that Lettuce types are only loaded when Lettuce is
	 * on the class path.
	 */
	private static final class LettuceReads {

		private final org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory factory;

		/** The factory's shared connection, as last obtained; replaced once it is closed. */
		private volatile @Nullable SharedConnection shared;

		/** The connection being obtained, shared by the readers that wait for it; {@code null} when none is. */
		private final AtomicReference<@Nullable CompletableFuture<SharedConnection>> obtaining = new AtomicReference<>();

		/** One thread, only while a connection is being obtained (it may connect); stopped by {@link #close()}. */
		private final ThreadPoolExecutor connector;

		private LettuceReads(org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory factory) {
			this.factory = factory;
			this.connector = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), (task) -> {
				Thread thread = new Thread(task, "flagstore-redis-connect");
				thread.setDaemon(true);
				return thread;
			});
			this.connector.allowCoreThreadTimeOut(true);
		}

		/**
		 * The reads for {@code factory}, or {@code null} if it is not a Lettuce factory whose reads can be sent
		 * without blocking: one that does not share its native connection would open or borrow one per read, a
		 * pooled one gives the shared connection back to the pool on a reset (where others may still use it), and a
		 * cluster is not what these reads were tested with.
		 */
		static @Nullable LettuceReads forFactory(RedisConnectionFactory factory) {
			if (factory instanceof org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory lettuce
					&& lettuce.getShareNativeConnection() && !lettuce.isClusterAware()
					&& !(lettuce.getClientConfiguration() instanceof org.springframework.data.redis.connection.lettuce.LettucePoolingClientConfiguration)) {
				return new LettuceReads(lettuce);
			}
			return null;
		}

		CompletableFuture<byte[]> hget(byte[] key, byte[] field) {
			SharedConnection current = usableConnection();
			if (current != null) {
				return cancellable(current.commands.hget(key, field));
			}
			return obtain().thenCompose((connection) -> cancellable(connection.commands.hget(key, field)));
		}

		CompletableFuture<Map<byte[], byte[]>> hgetall(byte[] key) {
			SharedConnection current = usableConnection();
			if (current != null) {
				return cancellable(current.commands.hgetall(key));
			}
			return obtain().thenCompose((connection) -> cancellable(connection.commands.hgetall(key)));
		}

		/** The shared connection if this store has it and it is not closed (it may be disconnected). */
		private @Nullable SharedConnection usableConnection() {
			SharedConnection current = this.shared;
			return (current != null && !current.isClosed()) ? current : null;
		}

		/** Obtains the factory's shared connection on the connector thread; readers arriving meanwhile share it. */
		private CompletableFuture<SharedConnection> obtain() {
			while (true) {
				CompletableFuture<SharedConnection> pending = this.obtaining.get();
				if (pending != null) {
					return pending;
				}
				CompletableFuture<SharedConnection> mine = new CompletableFuture<>();
				if (!this.obtaining.compareAndSet(null, mine)) {
					continue;
				}
				try {
					this.connector.execute(() -> obtainInto(mine));
				}
				catch (RejectedExecutionException ex) {
					this.obtaining.compareAndSet(mine, null);
					mine.completeExceptionally(new IllegalStateException("The Redis data store is closed", ex));
				}
				return mine;
			}
		}

		@SuppressWarnings("unchecked")
		private void obtainInto(CompletableFuture<SharedConnection> target) {
			try (RedisConnection connection = this.factory.getConnection()) {
				// A new LettuceConnection over the shared native connection: closing it leaves that one open.
				Object nativeConnection = connection.getNativeConnection();
				if (!(nativeConnection instanceof io.lettuce.core.api.async.RedisAsyncCommands<?, ?> commands)) {
					throw new IllegalStateException("Expected a standalone Lettuce connection, got " + nativeConnection);
				}
				SharedConnection obtained = new SharedConnection(
						(io.lettuce.core.api.async.RedisAsyncCommands<byte[], byte[]>) commands);
				this.shared = obtained;
				target.complete(obtained);
			}
			catch (Throwable ex) {
				target.completeExceptionally(ex);
			}
			finally {
				this.obtaining.compareAndSet(target, null);
			}
		}

		/**
		 * The shared connection's asynchronous commands, and whether the connection is closed: its final state
		 * (released by the factory), not a disconnect that Lettuce repairs by reconnecting.
		 */
		private static final class SharedConnection {

			final io.lettuce.core.api.async.RedisAsyncCommands<byte[], byte[]> commands;

			private final io.lettuce.core.api.@Nullable StatefulConnection<byte[], byte[]> connection;

			SharedConnection(io.lettuce.core.api.async.RedisAsyncCommands<byte[], byte[]> commands) {
				this.commands = commands;
				this.connection = (commands instanceof io.lettuce.core.AbstractRedisAsyncCommands<byte[], byte[]> impl)
						? impl.getConnection() : null;
			}

			boolean isClosed() {
				if (this.connection instanceof io.lettuce.core.RedisChannelHandler<?, ?> handler) {
					return handler.isClosed();
				}
				// Not Lettuce's own implementation (it always is, from LettuceConnectionFactory): nothing tells whether
				// the factory closed it, so each read obtains it again from the factory (on the connector thread).
				return true;
			}

		}

		/** A future of the command's answer whose cancellation (the wrapper's deadline) cancels the command. */
		private static <T> CompletableFuture<T> cancellable(io.lettuce.core.RedisFuture<T> command) {
			CompletableFuture<T> answer = new CompletableFuture<>();
			command.whenComplete((value, error) -> {
				if (error != null) {
					answer.completeExceptionally(error);
				}
				else {
					answer.complete(value);
				}
			});
			answer.whenComplete((value, error) -> {
				if (answer.isCancelled()) {
					command.cancel(true);
				}
			});
			return answer;
		}

		void close() {
			this.connector.shutdownNow();
		}

	}

}
