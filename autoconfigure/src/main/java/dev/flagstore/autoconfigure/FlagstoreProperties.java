package dev.flagstore.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

	private final Source source = new Source();

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

	public Source getSource() {
		return this.source;
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
		validateSource(properties.getSource(), errors);
	}

	private static void validateSource(Source source, Errors errors) {
		rejectIfNotPositive(errors, "source.file.pollInterval", source.getFile().getPollInterval(),
				"Set flagstore.source.file.poll-interval to a positive duration such as 1s.");
		rejectIfNegative(errors, "source.file.debounce", source.getFile().getDebounce(),
				"Set flagstore.source.file.debounce to a duration such as 100ms (or 0 to load every change at once).");
		rejectIfNotPositive(errors, "source.http.pollInterval", source.getHttp().getPollInterval(),
				"Set flagstore.source.http.poll-interval to a positive duration such as 30s.");
		rejectIfNotPositive(errors, "source.http.requestTimeout", source.getHttp().getRequestTimeout(),
				"Set flagstore.source.http.request-timeout to a positive duration such as 10s.");
		if (source.getType() == SourceType.FILE) {
			validateFilePaths(source.getFile().getPaths(), errors);
		}
		if (source.getType() == SourceType.HTTP) {
			validateHttpUrl(source.getHttp().getUrl(), errors);
		}
	}

	private static void validateFilePaths(List<String> paths, Errors errors) {
		if (paths == null || paths.isEmpty()) {
			errors.rejectValue("source.file.paths", "flagstore.required", new Object[] { "Set "
					+ "flagstore.source.file.paths to one or more flag files or classpath: resources, such as "
					+ "classpath:flags.json or /etc/myapp/flags.yaml (or set flagstore.source.type=none)." },
					"must name at least one file with flagstore.source.type=file");
			return;
		}
		for (String location : paths) {
			String problem = FlagFileLocation.problem(location);
			if (problem != null) {
				errors.rejectValue("source.file.paths", "flagstore.missing",
						new Object[] { "Create " + location + ", or correct flagstore.source.file.paths (a file path, "
								+ "or classpath:name for a resource of the application)." },
						problem);
			}
		}
	}

	private static void validateHttpUrl(String url, Errors errors) {
		String fix = "Set flagstore.source.http.url to the absolute http or https URL of the full data set, such as "
				+ "https://flags.example.com/v1/all.";
		if (url == null || url.isBlank()) {
			errors.rejectValue("source.http.url", "flagstore.required", new Object[] { fix },
					"is required with flagstore.source.type=http");
			return;
		}
		try {
			URI uri = new URI(url);
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
			if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
				errors.rejectValue("source.http.url", "flagstore.url", new Object[] { fix },
						"must be an absolute http or https URL with a host");
			}
		}
		catch (URISyntaxException ex) {
			errors.rejectValue("source.http.url", "flagstore.url", new Object[] { fix },
					"is not a valid URL: " + ex.getReason() + " at index " + ex.getIndex());
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
	 * What feeds the store (flagstore.source.*).
	 */
	public static class Source {

		/**
		 * Flag source to configure: none (nothing feeds the store but the application), file (flag files) or http
		 * (polls a URL). Ignored when the application defines its own FlagSource bean.
		 */
		private SourceType type = SourceType.NONE;

		private final File file = new File();

		private final Http http = new Http();

		public SourceType getType() {
			return this.type;
		}

		public void setType(SourceType type) {
			this.type = type;
		}

		public File getFile() {
			return this.file;
		}

		public Http getHttp() {
			return this.http;
		}

		/**
		 * File source settings (flagstore.source.type=file).
		 */
		public static class File {

			/**
			 * Flag files (JSON, or YAML for .yaml and .yml) or classpath: resources, merged in order: a later one
			 * overrides an earlier one item by item. Files are watched for changes; classpath resources are read
			 * once.
			 */
			private List<String> paths = new ArrayList<>();

			/**
			 * How often the files are checked for changes besides file-system events, which some file systems and
			 * containers do not deliver.
			 */
			private Duration pollInterval = Duration.ofSeconds(1);

			/**
			 * How long a changed file must stay unchanged before it is loaded, so that a file being written is not
			 * read half-way. 0 loads every change at once.
			 */
			private Duration debounce = Duration.ofMillis(100);

			public List<String> getPaths() {
				return this.paths;
			}

			public void setPaths(List<String> paths) {
				this.paths = paths;
			}

			public Duration getPollInterval() {
				return this.pollInterval;
			}

			public void setPollInterval(Duration pollInterval) {
				this.pollInterval = pollInterval;
			}

			public Duration getDebounce() {
				return this.debounce;
			}

			public void setDebounce(Duration debounce) {
				this.debounce = debounce;
			}

		}

		/**
		 * HTTP polling source settings (flagstore.source.type=http).
		 */
		public static class Http {

			/**
			 * Absolute http or https URL of the full data set ({"<kind>": {"<key>": item}}).
			 */
			private String url;

			/**
			 * How often the data set is fetched.
			 */
			private Duration pollInterval = Duration.ofSeconds(30);

			/**
			 * Deadline of one request, connecting included; past it the poll fails with a network error.
			 */
			private Duration requestTimeout = Duration.ofSeconds(10);

			/**
			 * Headers sent with every request, such as Authorization. Their values are never logged nor shown in
			 * health, events or the endpoint.
			 */
			private Map<String, String> headers = new LinkedHashMap<>();

			public String getUrl() {
				return this.url;
			}

			public void setUrl(String url) {
				this.url = url;
			}

			public Duration getPollInterval() {
				return this.pollInterval;
			}

			public void setPollInterval(Duration pollInterval) {
				this.pollInterval = pollInterval;
			}

			public Duration getRequestTimeout() {
				return this.requestTimeout;
			}

			public void setRequestTimeout(Duration requestTimeout) {
				this.requestTimeout = requestTimeout;
			}

			public Map<String, String> getHeaders() {
				return this.headers;
			}

			public void setHeaders(Map<String, String> headers) {
				this.headers = headers;
			}

			/** The header values masked, for messages and logs. */
			@Override
			public String toString() {
				return "Http{url=" + SafeValues.url(this.url) + ", headers=" + this.headers.keySet() + "}";
			}

		}

	}

	/**
	 * The flag sources flagstore can configure.
	 */
	public enum SourceType {

		/**
		 * No flag source: the application writes to the store itself.
		 */
		NONE,

		/**
		 * Flag files, watched for changes.
		 */
		FILE,

		/**
		 * A URL polled for the full data set.
		 */
		HTTP

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
