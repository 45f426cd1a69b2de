package dev.flagstore.spring.jdbc;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.flagstore.spring.TestServers;
import dev.flagstore.test.ServerAssumptions;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Where the JDBC integration tests find their servers. Each database is taken from its environment variables when
 * set ({@code FLAGSTORE_POSTGRES_URL}, {@code FLAGSTORE_POSTGRES_USER}, {@code FLAGSTORE_POSTGRES_PASSWORD}, and the
 * same with {@code MARIADB}), else from a Testcontainers container when a Docker engine is available, else from
 * the local server ({@code jdbc:postgresql://127.0.0.1:5432/test} as {@code postgres}, trust authentication;
 * {@code jdbc:mariadb://127.0.0.1:3306/test} as {@code root} without password). A server that does not answer
 * skips the tests with the reason, or fails them when {@code CI=true}.
 */
final class TestDatabases {

	private static final Pattern HOST_AND_PORT = Pattern.compile("//\\[?([^/:\\]]+)\\]?(?::(\\d+))?");

	private static final Map<DatabaseServer, Database> resolved = new ConcurrentHashMap<>();

	private static final Map<DatabaseServer, String> unreachable = new ConcurrentHashMap<>();

	private TestDatabases() {
	}

	/** JDBC coordinates of a server, with host and port for the reachability check and the fault proxy. */
	record Database(DatabaseServer server, String url, String user, String password, String host, int port) {

		/** The same database reached through {@code proxyHost:proxyPort}. */
		Database via(String proxyHost, int proxyPort) {
			Matcher matcher = HOST_AND_PORT.matcher(this.url);
			if (!matcher.find()) {
				throw new IllegalStateException("No host in " + this.url);
			}
			String url = this.url.substring(0, matcher.start()) + "//" + proxyHost + ":" + proxyPort
					+ this.url.substring(matcher.end());
			return new Database(this.server, url, this.user, this.password, proxyHost, proxyPort);
		}

		/** A small pool with short timeouts, as an application facing outages should configure. */
		HikariDataSource pool(String name, Duration timeout) {
			HikariConfig config = new HikariConfig();
			config.setPoolName(name);
			config.setJdbcUrl(this.url);
			config.setUsername(this.user);
			config.setPassword(this.password);
			config.setMaximumPoolSize(10);
			config.setMinimumIdle(0);
			config.setConnectionTimeout(Math.max(250, timeout.toMillis()));
			config.setValidationTimeout(Math.max(250, timeout.toMillis() / 2));
			config.setInitializationFailTimeout(-1);
			return new HikariDataSource(config);
		}

	}

	/**
	 * The server's coordinates if it answers, else {@code null}; then {@link #requireServer} skips (or fails) each
	 * test with the reason. Tests are skipped one by one, not as a class, so that the reason shows in the reports.
	 */
	static synchronized Database databaseOrNull(DatabaseServer server) {
		Database database = resolved.get(server);
		if (database == null) {
			database = resolve(server);
			resolved.put(server, database);
			String reason = TestServers.unreachableReason(server.displayName,
					database.host(), database.port(), server.variablePrefix + "URL");
			if (reason != null) {
				unreachable.put(server, reason);
			}
		}
		return unreachable.containsKey(server) ? null : database;
	}

	/** Skips the calling test when the server does not answer, or fails it when {@code CI=true}. */
	static void requireServer(DatabaseServer server) {
		databaseOrNull(server);
		ServerAssumptions.assumeServer(unreachable.get(server));
	}

	private static Database resolve(DatabaseServer server) {
		String url = System.getenv(server.variablePrefix + "URL");
		String user = System.getenv(server.variablePrefix + "USER");
		String password = System.getenv(server.variablePrefix + "PASSWORD");
		if ((url == null || url.isBlank()) && TestServers.dockerAvailable()) {
			return startContainer(server);
		}
		url = (url == null || url.isBlank()) ? server.defaultUrl : url.trim();
		Matcher matcher = HOST_AND_PORT.matcher(url);
		String host = matcher.find() ? matcher.group(1) : "127.0.0.1";
		int port = (matcher.groupCount() >= 2 && matcher.group(2) != null) ? Integer.parseInt(matcher.group(2))
				: server.defaultPort;
		return new Database(server, url, (user != null) ? user : server.defaultUser,
				(password != null) ? password : "", host, port);
	}

	@SuppressWarnings("resource") // Containers are stopped by Testcontainers' reaper when the JVM ends.
	private static Database startContainer(DatabaseServer server) {
		GenericContainer<?> container;
		if (server == DatabaseServer.POSTGRESQL) {
			container = new GenericContainer<>(DockerImageName.parse("postgres:16-alpine")).withExposedPorts(5432)
				.withEnv("POSTGRES_HOST_AUTH_METHOD", "trust")
				.withEnv("POSTGRES_DB", "test")
				.waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*", 2));
		}
		else {
			container = new GenericContainer<>(DockerImageName.parse("mariadb:11")).withExposedPorts(3306)
				.withEnv("MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "1")
				.withEnv("MARIADB_DATABASE", "test")
				.waitingFor(Wait.forLogMessage(".*ready for connections.*", 2));
		}
		container.start();
		String host = container.getHost();
		int port = container.getMappedPort(server.defaultPort);
		String scheme = (server == DatabaseServer.POSTGRESQL) ? "postgresql" : "mariadb";
		return new Database(server, "jdbc:" + scheme + "://" + host + ":" + port + "/test", server.defaultUser, "",
				host, port);
	}

	/** A table prefix no other test (or user of the shared server) uses, such as {@code fs_pg_1a2b3c4d_}. */
	static String uniqueTablePrefix(DatabaseServer server) {
		return "fs_" + server.tag + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
	}

	/** Deletes every row of the store's tables, so that the next test starts empty and uninitialized. */
	static void deleteRows(JdbcTemplate jdbc, String tablePrefix) {
		jdbc.update("DELETE FROM " + tablePrefix + "items");
		jdbc.update("DELETE FROM " + tablePrefix + "init");
	}

	/** Drops the store's tables, if they exist. */
	static void dropTables(JdbcTemplate jdbc, String tablePrefix) {
		jdbc.execute("DROP TABLE IF EXISTS " + tablePrefix + "items");
		jdbc.execute("DROP TABLE IF EXISTS " + tablePrefix + "init");
	}

}
