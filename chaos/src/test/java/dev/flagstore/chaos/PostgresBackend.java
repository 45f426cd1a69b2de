package dev.flagstore.chaos;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.flagstore.spring.jdbc.JdbcPersistentDataStore;
import dev.flagstore.spring.jdbc.JdbcSchemaInitializer;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.SerializedItemDescriptor;
import dev.flagstore.test.ServerAssumptions;
import dev.flagstore.test.TcpFaultProxy;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * PostgreSQL through HikariCP and the JDBC store, on the shared server (never stopped: outages are made by the
 * {@link TcpFaultProxy} in front of it — refused connections stand for a killed server, a blackhole for a frozen
 * one). Each backend has tables of its own, and each instance's pool an {@code ApplicationName} of its own, so the
 * connection-leak check counts exactly the suite's connections in {@code pg_stat_activity}.
 */
final class PostgresBackend implements ChaosBackend {

	static final String HOST = "127.0.0.1";

	static final int PORT = 5432;

	/** The cap of HikariCP's back-off between failed connection attempts ({@code HikariPool.PoolEntryCreator}). */
	static final Duration HIKARI_MAX_BACKOFF = Duration.ofSeconds(5);

	private final String database;

	private final String user;

	private final String password;

	private final @Nullable String urlParameters;

	private final TcpFaultProxy proxy;

	private final String tablePrefix = "chaos_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";

	private final String applicationName = "flagstore-chaos-" + UUID.randomUUID().toString().substring(0, 8);

	private final HikariDataSource admin;

	/**
	 * @param urlParameters extra JDBC URL query (such as {@code user=...&password=...}), or {@code null}
	 */
	PostgresBackend(String database, String user, String password, @Nullable String urlParameters) {
		this.database = database;
		this.user = user;
		this.password = password;
		this.urlParameters = urlParameters;
		this.proxy = TcpFaultProxy.start(HOST, PORT);
		this.admin = pool(HOST, PORT, "admin", Duration.ofSeconds(5), "flagstore-chaos-admin");
		new JdbcSchemaInitializer(this.admin, this.tablePrefix).initialize();
	}

	/** Why the server cannot be reached, or {@code null}. */
	static @Nullable String unreachableReason() {
		String failure = ServerAssumptions.connectionFailure(HOST, PORT, Duration.ofSeconds(2));
		return (failure != null) ? "PostgreSQL is not reachable at " + HOST + ":" + PORT + " (" + failure + ")" : null;
	}

	@Override
	public String describe() {
		return "PostgreSQL (shared server, HikariCP via TCP fault proxy)";
	}

	@Override
	public boolean durable() {
		return true;
	}

	/**
	 * HikariCP opens connections on one background thread that, while the database refuses them, retries after a
	 * sleep doubling from 10 ms up to 5 s (not configurable). Until that sleep ends, no caller of the pool gets a
	 * connection, although the database is back. The sleep under way when it comes back is at most the time the
	 * pool has been failing plus 10 ms (each sleep is the sum of the ones before it plus 10 ms) and at most 5 s.
	 */
	@Override
	public Duration reconnectBackoff(Duration failingFor) {
		return hikariBackoff(failingFor);
	}

	static Duration hikariBackoff(Duration failingFor) {
		return ChaosBackend.doublingBackoff(failingFor, Duration.ofMillis(10), HIKARI_MAX_BACKOFF);
	}

	@Override
	public String reconnectBackoffNote() {
		return "HikariCP's connection back-off: its sleep under way when the database comes back, at most the time "
				+ "the pool had been failing + 10 ms, capped at 5 s";
	}

	@Override
	public TcpFaultProxy proxy() {
		return this.proxy;
	}

	String jdbcUrl(String host, int port) {
		String url = "jdbc:postgresql://" + host + ":" + port + "/" + this.database;
		return (this.urlParameters != null) ? url + "?" + this.urlParameters : url;
	}

	@Override
	public StoreInstance openInstance(String name, Duration clientTimeout) {
		HikariDataSource pool = pool(this.proxy.getHost(), this.proxy.getPort(), name, clientTimeout,
				this.applicationName);
		JdbcPersistentDataStore store = new JdbcPersistentDataStore(pool, this.tablePrefix, clientTimeout,
				clientTimeout);
		return new StoreInstance(name, store, pool::close);
	}

	@Override
	public Class<?> bootAutoConfiguration() {
		return DataSourceAutoConfiguration.class;
	}

	/**
	 * The URL (through the proxy) and credentials, and the {@code ApplicationName} the connection-leak check
	 * counts by: a driver property that changes no timeout.
	 */
	@Override
	public Map<String, String> bootProperties() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.datasource.url", jdbcUrl(this.proxy.getHost(), this.proxy.getPort()));
		properties.put("spring.datasource.username", this.user);
		properties.put("spring.datasource.password", this.password);
		properties.put("spring.datasource.hikari.data-source-properties.ApplicationName", this.applicationName);
		properties.put("flagstore.store.type", "jdbc");
		properties.put("flagstore.jdbc.table-prefix", this.tablePrefix);
		return properties;
	}

	@Override
	public String clientSettings(BootInstance instance) {
		HikariDataSource pool = instance.bean(HikariDataSource.class);
		return "HikariCP connection timeout " + pool.getConnectionTimeout() + " ms, validation timeout "
				+ pool.getValidationTimeout() + " ms, pool " + pool.getMinimumIdle() + "-" + pool.getMaximumPoolSize()
				+ ", PostgreSQL driver socketTimeout " + (pool.getDataSourceProperties().containsKey("socketTimeout")
						? pool.getDataSourceProperties().get("socketTimeout") : "unset (none)")
				+ "; the JDBC store's network timeout " + JdbcPersistentDataStore.DEFAULT_TIMEOUT.toMillis()
				+ " ms (query timeout a second longer), isValid of isStoreAvailable "
				+ JdbcPersistentDataStore.DEFAULT_AVAILABILITY_TIMEOUT.toMillis() + " ms";
	}

	@Override
	public void seed(FullDataSet<SerializedItemDescriptor> data) {
		new JdbcPersistentDataStore(this.admin, this.tablePrefix, Duration.ofSeconds(60), Duration.ofSeconds(5))
			.init(data);
	}

	@Override
	public void clear() {
		JdbcTemplate jdbc = new JdbcTemplate(this.admin);
		jdbc.update("DELETE FROM " + this.tablePrefix + "items");
		jdbc.update("DELETE FROM " + this.tablePrefix + "init");
	}

	@Override
	public Map<String, Integer> readVersions(DataKind kind) {
		Map<String, Integer> versions = new LinkedHashMap<>();
		new JdbcTemplate(this.admin).query(
				"SELECT item_key, version FROM " + this.tablePrefix + "items WHERE kind = ? ORDER BY item_key",
				(java.sql.ResultSet rs) -> {
					versions.put(rs.getString(1), rs.getInt(2));
				}, kind.getName());
		return versions;
	}

	@Override
	public boolean isInitialized() {
		Boolean initialized = new JdbcTemplate(this.admin).query(
				"SELECT initialized FROM " + this.tablePrefix + "init WHERE id = 1",
				(rs) -> rs.next() && rs.getBoolean(1));
		return Boolean.TRUE.equals(initialized);
	}

	@Override
	public int serverConnections() {
		Integer count = new JdbcTemplate(this.admin).queryForObject(
				"SELECT count(*) FROM pg_stat_activity WHERE application_name = ?", Integer.class,
				this.applicationName);
		return (count != null) ? count : -1;
	}

	@Override
	public void close() {
		try {
			JdbcTemplate jdbc = new JdbcTemplate(this.admin);
			jdbc.execute("DROP TABLE IF EXISTS " + this.tablePrefix + "items");
			jdbc.execute("DROP TABLE IF EXISTS " + this.tablePrefix + "init");
		}
		finally {
			this.admin.close();
			this.proxy.close();
		}
	}

	private HikariDataSource pool(String host, int port, String name, Duration timeout, String application) {
		HikariConfig config = new HikariConfig();
		config.setPoolName("chaos-" + name);
		config.setJdbcUrl(jdbcUrl(host, port));
		config.setUsername(this.user);
		config.setPassword(this.password);
		config.setMaximumPoolSize(10);
		config.setMinimumIdle(0);
		config.setConnectionTimeout(Math.max(250, timeout.toMillis()));
		config.setValidationTimeout(Math.max(250, timeout.toMillis() / 2));
		config.setInitializationFailTimeout(-1);
		config.addDataSourceProperty("ApplicationName", application);
		return new HikariDataSource(config);
	}

}
