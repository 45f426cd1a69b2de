package dev.flagstore.spring.redis;

import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import dev.flagstore.spring.TestServers;
import dev.flagstore.test.ServerAssumptions;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Where the Redis integration tests find a server: {@code FLAGSTORE_REDIS_URL} when set, else a Testcontainers
 * container when a Docker engine is available, else the local server at {@code redis://127.0.0.1:6379}. A server
 * that does not answer skips the tests with the reason, or fails them when {@code CI=true}.
 */
final class TestRedis {

	static final String URL_VARIABLE = "FLAGSTORE_REDIS_URL";

	private static final String DEFAULT_URL = "redis://127.0.0.1:6379";

	private static volatile Endpoint endpoint;

	private static volatile String unreachable;

	private TestRedis() {
	}

	/** Host, port and database of the test server. */
	record Endpoint(String host, int port, int database, String password) {

		RedisStandaloneConfiguration configuration() {
			RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration(this.host, this.port);
			configuration.setDatabase(this.database);
			if (!this.password.isEmpty()) {
				configuration.setPassword(this.password);
			}
			return configuration;
		}

		Endpoint via(String proxyHost, int proxyPort) {
			return new Endpoint(proxyHost, proxyPort, this.database, this.password);
		}

		@Override
		public String toString() {
			return "redis://" + this.host + ":" + this.port + "/" + this.database;
		}

	}

	/**
	 * The test server if it answers, else {@code null}; then {@link #requireServer()} skips (or fails) each test
	 * with the reason. Tests are skipped one by one, not as a class, so that the reason shows in the reports.
	 */
	static synchronized Endpoint endpointOrNull() {
		if (endpoint == null) {
			endpoint = resolve();
			unreachable = TestServers.unreachableReason("Redis", endpoint.host(), endpoint.port(), URL_VARIABLE);
		}
		return (unreachable != null) ? null : endpoint;
	}

	/** Skips the calling test when the server does not answer, or fails it when {@code CI=true}. */
	static void requireServer() {
		endpointOrNull();
		ServerAssumptions.assumeServer(unreachable);
	}

	private static Endpoint resolve() {
		String url = System.getenv(URL_VARIABLE);
		if ((url == null || url.isBlank()) && TestServers.dockerAvailable()) {
			@SuppressWarnings("resource") // Stopped by Testcontainers' reaper when the JVM ends.
			GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse("redis:7-alpine"))
				.withExposedPorts(6379);
			container.start();
			return new Endpoint(container.getHost(), container.getMappedPort(6379), 0, "");
		}
		URI uri = URI.create((url == null || url.isBlank()) ? DEFAULT_URL : url.trim());
		String path = (uri.getPath() != null) ? uri.getPath().replace("/", "") : "";
		String userInfo = uri.getUserInfo();
		String password = (userInfo == null) ? "" : userInfo.substring(userInfo.indexOf(':') + 1);
		return new Endpoint(uri.getHost(), (uri.getPort() > 0) ? uri.getPort() : 6379,
				path.isEmpty() ? 0 : Integer.parseInt(path), password);
	}

	/**
	 * A started connection factory with short client timeouts, as an application should configure
	 * ({@code spring.data.redis.timeout}, {@code spring.data.redis.connect-timeout}).
	 */
	static LettuceConnectionFactory connectionFactory(Endpoint endpoint, Duration timeout) {
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.commandTimeout(timeout)
			.shutdownTimeout(Duration.ZERO)
			.clientOptions(ClientOptions.builder()
				.socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
				.build())
			.build();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(endpoint.configuration(), client);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/** A key prefix no other test (or user of the shared server) uses. */
	static String uniquePrefix(Class<?> testClass) {
		return "flagstore-it:" + testClass.getSimpleName() + ":" + UUID.randomUUID().toString().substring(0, 8);
	}

	/** Deletes every key under {@code prefix}. */
	static void deleteKeys(StringRedisTemplate redis, String prefix) {
		Set<String> keys = redis.keys(prefix + ":*");
		if (keys != null && !keys.isEmpty()) {
			redis.delete(keys);
		}
	}

}
