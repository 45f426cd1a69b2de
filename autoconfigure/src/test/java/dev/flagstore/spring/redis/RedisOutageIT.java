package dev.flagstore.spring.redis;

import dev.flagstore.spring.TestServers;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.test.PersistentDataStoreOutageTests;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The {@link PersistentDataStoreOutageTests outage suite} for {@link RedisPersistentDataStore}: wrapper, store,
 * Lettuce and a real Redis server, with a {@link dev.flagstore.test.TcpFaultProxy} between client and server.
 */
@ExtendWith(TestServers.class)
class RedisOutageIT extends PersistentDataStoreOutageTests {

	private final RedisServerKeys redis;

	RedisOutageIT(RedisServerKeys redis) {
		this.redis = redis;
	}

	@Override
	protected String serverHost() {
		return this.redis.endpoint().host();
	}

	@Override
	protected int serverPort() {
		return this.redis.endpoint().port();
	}

	@Override
	protected PersistentDataStore createStore(String host, int port) {
		LettuceConnectionFactory factory = this.redis.newFactory(this.redis.endpoint().via(host, port),
				clientTimeout());
		return new RedisPersistentDataStore(factory, this.redis.prefix(), clientTimeout());
	}

	@Override
	protected PersistentDataStore createDirectStore() {
		return new RedisPersistentDataStore(this.redis.adminFactory(), this.redis.prefix());
	}

	@Override
	protected void clearData() {
		this.redis.clear();
	}

}
