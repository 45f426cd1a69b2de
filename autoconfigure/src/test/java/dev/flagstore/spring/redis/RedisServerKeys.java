package dev.flagstore.spring.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The keys of one test class on the Redis test server, with a direct (admin) connection and the connection
 * factories its tests open: the class keeps one in a static field, calls {@link #connect()} and {@link #cleanUp()}
 * from {@code @BeforeAll} and {@code @AfterAll}, and {@link #destroyFactories()} from {@code @AfterEach}.
 */
final class RedisServerKeys {

	private final String prefix;

	private TestRedis.@Nullable Endpoint endpoint;

	private @Nullable LettuceConnectionFactory adminFactory;

	private @Nullable StringRedisTemplate admin;

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	RedisServerKeys(Class<?> testClass) {
		this.prefix = TestRedis.uniquePrefix(testClass);
	}

	/** Connects, if the server answers; tests call {@link TestRedis#requireServer()} to skip otherwise. */
	void connect() {
		this.endpoint = TestRedis.endpointOrNull();
		if (this.endpoint == null) {
			return;
		}
		this.adminFactory = TestRedis.connectionFactory(this.endpoint, Duration.ofSeconds(5));
		this.admin = new StringRedisTemplate(this.adminFactory);
	}

	/** Deletes the class's keys and closes the admin connection. */
	void cleanUp() {
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

	void destroyFactories() {
		synchronized (this.factories) {
			this.factories.forEach(LettuceConnectionFactory::destroy);
			this.factories.clear();
		}
	}

	/** Deletes the class's keys between tests. */
	void clear() {
		TestRedis.requireServer();
		TestRedis.deleteKeys(admin(), this.prefix);
	}

	String prefix() {
		return this.prefix;
	}

	TestRedis.Endpoint endpoint() {
		TestRedis.requireServer();
		return java.util.Objects.requireNonNull(this.endpoint);
	}

	LettuceConnectionFactory adminFactory() {
		TestRedis.requireServer();
		return java.util.Objects.requireNonNull(this.adminFactory);
	}

	StringRedisTemplate admin() {
		TestRedis.requireServer();
		return java.util.Objects.requireNonNull(this.admin);
	}

}
