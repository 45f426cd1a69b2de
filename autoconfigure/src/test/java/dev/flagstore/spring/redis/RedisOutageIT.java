package dev.flagstore.spring.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.test.PersistentDataStoreOutageTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The {@link PersistentDataStoreOutageTests outage suite} for {@link RedisPersistentDataStore}: wrapper, store,
 * Lettuce and a real Redis server, with a {@link dev.flagstore.test.TcpFaultProxy} between client and server.
 */
class RedisOutageIT extends PersistentDataStoreOutageTests {

	private static final String PREFIX = TestRedis.uniquePrefix(RedisOutageIT.class);

	private static TestRedis.Endpoint endpoint;

	private static LettuceConnectionFactory adminFactory;

	private static StringRedisTemplate admin;

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	@BeforeAll
	static void connect() {
		endpoint = TestRedis.endpointOrNull();
		if (endpoint == null) {
			return;
		}
		adminFactory = TestRedis.connectionFactory(endpoint, Duration.ofSeconds(5));
		admin = new StringRedisTemplate(adminFactory);
	}

	@AfterAll
	static void cleanUp() {
		if (admin != null) {
			TestRedis.deleteKeys(admin, PREFIX);
			adminFactory.destroy();
		}
	}

	@AfterEach
	void destroyFactories() {
		this.factories.forEach(LettuceConnectionFactory::destroy);
		this.factories.clear();
	}

	@Override
	protected String serverHost() {
		return endpoint.host();
	}

	@Override
	protected int serverPort() {
		return endpoint.port();
	}

	@Override
	protected PersistentDataStore createStore(String host, int port) {
		LettuceConnectionFactory factory = TestRedis.connectionFactory(endpoint.via(host, port), clientTimeout());
		this.factories.add(factory);
		return new RedisPersistentDataStore(factory, PREFIX, clientTimeout());
	}

	@Override
	protected PersistentDataStore createDirectStore() {
		return new RedisPersistentDataStore(adminFactory, PREFIX);
	}

	@Override
	protected void clearData() {
		TestRedis.requireServer();
		TestRedis.deleteKeys(admin, PREFIX);
	}

}
