package dev.flagstore.autoconfigure;

import java.time.Duration;
import java.util.regex.Pattern;

import dev.flagstore.store.CacheMode;
import dev.flagstore.store.StaleValuesPolicy;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration properties of flagstore (prefix {@code flagstore}).
 *
 * <p>The class validates itself when it is bound: a negative duration, a zero poll interval or reconnect delay, a
 * stale-values policy that the cache mode cannot apply, or a prefix the store cannot use fails start-up, and
 * {@link FlagstoreFailureAnalyzer} says what to change.
 */
@ConfigurationProperties("flagstore")
public class FlagstoreProperties implements Validator {

	private static final Pattern TABLE_PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

	private final Store store = new Store();

	private final Cache cache = new Cache();

	private final Status status = new Status();

	private final Redis redis = new Redis();

	private final Jdbc jdbc = new Jdbc();

	public Store getStore() {
		return this.store;
	}

	public Cache getCache() {
		return this.cache;
	}

	public Status getStatus() {
		return this.status;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public Jdbc getJdbc() {
		return this.jdbc;
	}

	@Override
	public boolean supports(Class<?> clazz) {
		return FlagstoreProperties.class.isAssignableFrom(clazz);
	}

	/**
	 * Checks every value and every combination; each error carries, as its only argument, what to change.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		FlagstoreProperties properties = (FlagstoreProperties) target;
		rejectIfNegative(errors, "store.operationTimeout", properties.getStore().getOperationTimeout(),
				"Set flagstore.store.operation-timeout to a positive duration such as 2s (or 0 to run store calls "
						+ "without a deadline).");
		if (properties.getStore().getMaxConcurrentCalls() < 1) {
			errors.rejectValue("store.maxConcurrentCalls", "flagstore.positive",
					new Object[] { "Set flagstore.store.max-concurrent-calls to a positive number such as 16." },
					"must be positive");
		}
		rejectIfNegative(errors, "cache.ttl", properties.getCache().getTtl(),
				"Set flagstore.cache.ttl to a positive duration such as 15s (or 0 to disable the cache).");
		rejectIfNegative(errors, "status.heartbeatInterval", properties.getStatus().getHeartbeatInterval(),
				"Set flagstore.status.heartbeat-interval to a positive duration such as 10s (or 0 to disable the "
						+ "heartbeat).");
		rejectIfNotPositive(errors, "status.pollInterval", properties.getStatus().getPollInterval(),
				"Set flagstore.status.poll-interval to a positive duration such as 500ms.");
		rejectIfNotPositive(errors, "redis.maxReconnectDelay", properties.getRedis().getMaxReconnectDelay(),
				"Set flagstore.redis.max-reconnect-delay to a positive duration such as 1s (30s is Lettuce's own "
						+ "cap).");
		Cache cache = properties.getCache();
		boolean caching = cache.getMode() == CacheMode.TTL && cache.getTtl() != null && !cache.getTtl().isZero();
		if (cache.getStaleValuesPolicy() != StaleValuesPolicy.EVICT && !caching) {
			errors.rejectValue("cache.staleValuesPolicy", "flagstore.combination", new Object[] {
					"Remove flagstore.cache.stale-values-policy (or set it to evict), or set flagstore.cache.mode to "
							+ "ttl with a positive flagstore.cache.ttl." },
					"applies only to flagstore.cache.mode=ttl with a positive flagstore.cache.ttl, but the mode is "
							+ cache.getMode().name().toLowerCase() + " and the ttl is " + cache.getTtl());
		}
		String redisPrefix = properties.getRedis().getPrefix();
		if (redisPrefix == null || redisPrefix.isBlank() || redisPrefix.chars().anyMatch(Character::isWhitespace)) {
			errors.rejectValue("redis.prefix", "flagstore.prefix",
					new Object[] { "Set flagstore.redis.prefix to a non-empty key prefix without spaces, such as "
							+ "flagstore." },
					"must be non-empty and contain no whitespace");
		}
		String tablePrefix = properties.getJdbc().getTablePrefix();
		if (tablePrefix == null || !TABLE_PREFIX.matcher(tablePrefix).matches()) {
			errors.rejectValue("jdbc.tablePrefix", "flagstore.prefix",
					new Object[] { "Set flagstore.jdbc.table-prefix to letters, digits and underscores that start "
							+ "with a letter or underscore, such as flagstore_." },
					"must be a plain SQL identifier prefix ([A-Za-z_][A-Za-z0-9_]*)");
		}
	}

	private static void rejectIfNegative(Errors errors, String field, Duration value, String fix) {
		if (value == null || value.isNegative()) {
			errors.rejectValue(field, "flagstore.negative", new Object[] { fix }, "must not be negative");
		}
	}

	private static void rejectIfNotPositive(Errors errors, String field, Duration value, String fix) {
		if (value == null || value.isNegative() || value.isZero()) {
			errors.rejectValue(field, "flagstore.positive", new Object[] { fix }, "must be a positive duration");
		}
	}

	/**
	 * Which persistent store to use, and how long one call to it may take.
	 */
	public static class Store {

		/**
		 * Persistent store to configure: none (in-memory store), redis (over the application's
		 * RedisConnectionFactory) or jdbc (over the application's DataSource). Ignored when the application
		 * defines its own PersistentDataStore bean.
		 */
		private StoreType type = StoreType.NONE;

		/**
		 * Deadline of one store call, isStoreAvailable() included; past it the call fails and counts as an
		 * outage. 0 runs store calls on the caller's thread without a deadline.
		 */
		private Duration operationTimeout = Duration.ofSeconds(2);

		/**
		 * Bulkhead: how many store calls the application's reads and writes may have in flight at once. Past it a
		 * call fails at once with DataStoreException, without reaching the store and without changing the status.
		 * Also bounds the threads a hung store can hold.
		 */
		private int maxConcurrentCalls = 16;

		public StoreType getType() {
			return this.type;
		}

		public void setType(StoreType type) {
			this.type = type;
		}

		public Duration getOperationTimeout() {
			return this.operationTimeout;
		}

		public void setOperationTimeout(Duration operationTimeout) {
			this.operationTimeout = operationTimeout;
		}

		public int getMaxConcurrentCalls() {
			return this.maxConcurrentCalls;
		}

		public void setMaxConcurrentCalls(int maxConcurrentCalls) {
			this.maxConcurrentCalls = maxConcurrentCalls;
		}

	}

	/**
	 * How the data store caches what it reads from and writes to the persistent store.
	 */
	public static class Cache {

		/**
		 * Cache mode: ttl (items expire after the cache TTL), forever (items never expire; writes made during an
		 * outage are written back on recovery) or none (every read goes to the store).
		 */
		private CacheMode mode = CacheMode.TTL;

		/**
		 * Cache time of an item in ttl mode, and of a miss in every mode. 0 in ttl mode disables the cache.
		 */
		private Duration ttl = Duration.ofSeconds(15);

		/**
		 * What happens to an item whose TTL has passed (ttl mode only): evict (the next read waits for the store),
		 * refresh (the next read reloads it, keeping the old value if the store fails) or refresh-async (the next
		 * read returns the old value and reloads it in the background).
		 */
		private StaleValuesPolicy staleValuesPolicy = StaleValuesPolicy.EVICT;

		public CacheMode getMode() {
			return this.mode;
		}

		public void setMode(CacheMode mode) {
			this.mode = mode;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

		public StaleValuesPolicy getStaleValuesPolicy() {
			return this.staleValuesPolicy;
		}

		public void setStaleValuesPolicy(StaleValuesPolicy staleValuesPolicy) {
			this.staleValuesPolicy = staleValuesPolicy;
		}

	}

	/**
	 * How the store's status is kept current.
	 */
	public static class Status {

		/**
		 * How often an unavailable store is probed until it answers again.
		 */
		private Duration pollInterval = Duration.ofMillis(500);

		/**
		 * How often an idle, available store is probed, so that an outage is seen without traffic. 0 disables the
		 * heartbeat.
		 */
		private Duration heartbeatInterval = Duration.ofSeconds(10);

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public Duration getHeartbeatInterval() {
			return this.heartbeatInterval;
		}

		public void setHeartbeatInterval(Duration heartbeatInterval) {
			this.heartbeatInterval = heartbeatInterval;
		}

	}

	/**
	 * Redis store settings (flagstore.store.type=redis).
	 */
	public static class Redis {

		/**
		 * Prefix of every Redis key the store writes.
		 */
		private String prefix = "flagstore";

		/**
		 * With store type redis, the longest time Lettuce waits between two reconnect attempts while Redis is
		 * unreachable, so that the store is reported available again within about poll-interval plus this delay
		 * after Redis is back. Applies to every Lettuce connection of the application, not only flagstore's (it is
		 * set on Spring Boot's shared ClientResources). Each wait is drawn at random between half of Lettuce's
		 * doubling delay (capped at this value) and all of it. 30s is Lettuce's own cap.
		 */
		private Duration maxReconnectDelay = Duration.ofSeconds(1);

		public String getPrefix() {
			return this.prefix;
		}

		public void setPrefix(String prefix) {
			this.prefix = prefix;
		}

		public Duration getMaxReconnectDelay() {
			return this.maxReconnectDelay;
		}

		public void setMaxReconnectDelay(Duration maxReconnectDelay) {
			this.maxReconnectDelay = maxReconnectDelay;
		}

	}

	/**
	 * JDBC store settings (flagstore.store.type=jdbc).
	 */
	public static class Jdbc {

		/**
		 * Prefix of the names of the tables the store uses.
		 */
		private String tablePrefix = "flagstore_";

		/**
		 * When to create the store's tables at start-up: embedded (only for an embedded database such as H2),
		 * always (the scripts are idempotent) or never (the application's own migrations create them).
		 */
		private DatabaseInitializationMode initializeSchema = DatabaseInitializationMode.EMBEDDED;

		public String getTablePrefix() {
			return this.tablePrefix;
		}

		public void setTablePrefix(String tablePrefix) {
			this.tablePrefix = tablePrefix;
		}

		public DatabaseInitializationMode getInitializeSchema() {
			return this.initializeSchema;
		}

		public void setInitializeSchema(DatabaseInitializationMode initializeSchema) {
			this.initializeSchema = initializeSchema;
		}

	}

	/**
	 * The persistent stores flagstore can configure.
	 */
	public enum StoreType {

		/**
		 * No persistent store: an in-memory store.
		 */
		NONE,

		/**
		 * Redis, over the application's RedisConnectionFactory.
		 */
		REDIS,

		/**
		 * A SQL database, over the application's DataSource.
		 */
		JDBC

	}

}
