package dev.flagstore.spring.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.flagstore.spring.TestServerResource;
import dev.flagstore.spring.TestServers;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The keys of one test class on the Redis test server, under a prefix of its own, with a direct (admin)
 * connection and the connection factories its tests open. A test class asks {@link TestServers} for it (a
 * constructor parameter); the factories are destroyed after each test, the keys deleted after the last.
 */
public final class RedisServerKeys implements TestServerResource {

	private final String prefix;

	private final TestRedis.@Nullable Endpoint endpoint;

	private final @Nullable LettuceConnectionFactory adminFactory;

	private final @Nullable StringRedisTemplate admin;

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	/**
	 * Connects to the test server, if it answers; the tests are skipped (or failed) otherwise.
	 * @param testClass the test class, whose name starts the key prefix
	 */
	public RedisServerKeys(Class<?> testClass) {
		this.prefix = TestRedis.uniquePrefix(testClass);
		this.endpoint = TestRedis.endpointOrNull();
		this.adminFactory = (this.endpoint != null) ? TestRedis.connectionFactory(this.endpoint, Duration.ofSeconds(5))
				: null;
		this.admin = (this.adminFactory != null) ? new StringRedisTemplate(this.adminFactory) : null;
	}

	@Override
	public void requireServer() {
		TestRedis.requireServer();
	}

	/** Destroys the connection factories the last test opened. */
	@Override
	public void afterEach() {
		synchronized (this.factories) {
			this.factories.forEach(LettuceConnectionFactory::destroy);
			this.factories.clear();
		}
	}

	/** Deletes the class's keys and closes the admin connection. */
	@Override
	public void close() {
		afterEach();
		if (this.admin != null && this.adminFactory != null) {
			TestRedis.deleteKeys(this.admin, this.prefix);
			this.adminFactory.destroy();
		}
	}

	/** A connection factory of its own for one store instance, as a separate application would have. */
	LettuceConnectionFactory newFactory(TestRedis.Endpoint via, Duration timeout) {
		LettuceConnectionFactory factory = TestRedis.connectionFactory(via, timeout);
		synchronized (this.factories) {
			this.factories.add(factory);
		}
		return factory;
	}

	/** Deletes the class's keys between tests. */
	void clear() {
		TestRedis.deleteKeys(admin(), this.prefix);
	}

	String prefix() {
		return this.prefix;
	}

	TestRedis.Endpoint endpoint() {
		requireServer();
		return Objects.requireNonNull(this.endpoint);
	}

	LettuceConnectionFactory adminFactory() {
		requireServer();
		return Objects.requireNonNull(this.adminFactory);
	}

	StringRedisTemplate admin() {
		requireServer();
		return Objects.requireNonNull(this.admin);
	}

}
