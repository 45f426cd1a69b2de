package dev.flagstore.spring.redis;

import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.test.PersistentDataStoreOutageTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The {@link PersistentDataStoreOutageTests outage suite} for {@link RedisPersistentDataStore}: wrapper, store,
 * Lettuce and a real Redis server, with a {@link dev.flagstore.test.TcpFaultProxy} between client and server.
 */
class RedisOutageIT extends PersistentDataStoreOutageTests {

	private static final RedisServerKeys redis = new RedisServerKeys(RedisOutageIT.class);

	private static final String PREFIX = redis.prefix();

	@BeforeAll
	static void connect() {
		redis.connect();
	}

	@AfterAll
	static void cleanUp() {
		redis.cleanUp();
	}

	@AfterEach
	void destroyFactories() {
		redis.destroyFactories();
	}

	@Override
	protected String serverHost() {
		return redis.endpoint().host();
	}

	@Override
	protected int serverPort() {
		return redis.endpoint().port();
	}

	@Override
	protected PersistentDataStore createStore(String host, int port) {
		LettuceConnectionFactory factory = redis.newFactory(redis.endpoint().via(host, port), clientTimeout());
		return new RedisPersistentDataStore(factory, PREFIX, clientTimeout());
	}

	@Override
	protected PersistentDataStore createDirectStore() {
		return new RedisPersistentDataStore(redis.adminFactory(), PREFIX);
	}

	@Override
	protected void clearData() {
		redis.clear();
	}

}
