package dev.flagstore.spring.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.store.SerializedItemDescriptor;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * A {@link PersistentDataStore} on a relational database, through Spring JDBC over the application's
 * {@link DataSource}; tested on PostgreSQL, MariaDB and H2 (MySQL has a schema script too).
 *
 * <p>Two tables, named with a prefix (default {@code flagstore_}): {@code <prefix>items} (one row per item: kind,
 * key, version, deleted flag, serialized item) and {@code <prefix>init} (one row once {@code init} has run). Create
 * them with {@link JdbcSchemaInitializer} or the scripts it runs. {@code init} replaces all rows in one transaction,
 * serialized with other {@code init} calls by a row lock ({@code SELECT ... FOR UPDATE}) on the {@code init} row; {@code upsert} is one conditional
 * statement ({@code ON CONFLICT ... WHERE} on PostgreSQL) or a conditional {@code UPDATE} followed by an
 * {@code INSERT} that the primary key makes safe, never a read followed by a write. Deadlocks and lock timeouts
 * are retried a few times.
 *
 * <p>Timeouts: every statement runs with a query timeout, and every connection this store uses carries a JDBC
 * network timeout ({@link Connection#setNetworkTimeout}, restored when the connection goes back to the pool), so
 * a database that stops answering fails the call instead of hanging it. {@link #isStoreAvailable()} is one
 * {@link Connection#isValid} with the availability timeout. The {@code DataSource} belongs to the application:
 * {@link #close()} does not close it. Thread-safe.
 */
public class JdbcPersistentDataStore implements PersistentDataStore {

	/** Default of the connection network timeout (the statement query timeout is a second longer). */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

	/** Default of how long {@link #isStoreAvailable()} waits for {@link Connection#isValid}. */
	public static final Duration DEFAULT_AVAILABILITY_TIMEOUT = Duration.ofSeconds(1);

	static final Pattern TABLE_PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

	private static final int MAX_ATTEMPTS = 5;

	private final DataSource targetDataSource;

	private final String tablePrefix;

	private final String itemsTable;

	private final String initTable;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final int availabilityTimeoutSeconds;

	private volatile @Nullable JdbcPlatform platform;

	/** The database's version as its driver reports it, read with the platform; for the description only. */
	private volatile @Nullable String databaseVersion;

	private volatile boolean closed;

	/**
	 * Creates a store with the default timeouts.
	 * @param dataSource the application's data source; not closed by this store
	 * @param tablePrefix the table name prefix, such as {@code flagstore_}: letters, digits and underscores
	 */
	public JdbcPersistentDataStore(DataSource dataSource, String tablePrefix) {
		this(dataSource, tablePrefix, DEFAULT_TIMEOUT, DEFAULT_AVAILABILITY_TIMEOUT);
	}

	/**
	 * Creates a store.
	 * @param dataSource the application's data source; not closed by this store
	 * @param tablePrefix the table name prefix, such as {@code flagstore_}: letters, digits and underscores
	 * @param timeout the network timeout of each connection (how long a call waits for the database to answer)
	 * and, rounded up to whole seconds plus one, the query timeout of each statement; positive
	 * @param availabilityTimeout how long {@link #isStoreAvailable()} waits (whole seconds, at least 1); positive
	 */
	public JdbcPersistentDataStore(DataSource dataSource, String tablePrefix, Duration timeout,
			Duration availabilityTimeout) {
		Assert.notNull(dataSource, "'dataSource' must not be null");
		validateTablePrefix(tablePrefix);
		Assert.notNull(timeout, "'timeout' must not be null");
		Assert.isTrue(!timeout.isNegative() && !timeout.isZero(), () -> "'timeout' must be positive: " + timeout);
		Assert.notNull(availabilityTimeout, "'availabilityTimeout' must not be null");
		Assert.isTrue(!availabilityTimeout.isNegative() && !availabilityTimeout.isZero(),
				() -> "'availabilityTimeout' must be positive: " + availabilityTimeout);
		this.targetDataSource = dataSource;
		this.tablePrefix = tablePrefix;
		this.itemsTable = tablePrefix + "items";
		this.initTable = tablePrefix + "init";
		DataSource timed = new NetworkTimeoutDataSource(dataSource, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
		this.jdbc = new JdbcTemplate(timed);
		// The query timeout is a second longer than the network timeout: on a dead network the socket timeout
		// must fire first, because a query timeout makes some drivers (PostgreSQL) send a cancel request over a
		// new connection and wait for it, which hangs as long as the network does.
		this.jdbc.setQueryTimeout((int) Math.max(1, (timeout.toMillis() + 999) / 1000) + 1);
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(timed));
		this.availabilityTimeoutSeconds = (int) Math.max(1, (availabilityTimeout.toMillis() + 999) / 1000);
	}

	/**
	 * The table name prefix.
	 * @return the prefix
	 */
	public String getTablePrefix() {
		return this.tablePrefix;
	}

	@Override
	public void init(FullDataSet<SerializedItemDescriptor> allData) {
		checkOpen();
		// Detected now (once) rather than at the first upsert, so that the description names the database soon.
		platform();
		List<Object[]> rows = new ArrayList<>();
		allData.data().forEach((kind, items) -> items.items()
			.forEach((key, item) -> rows.add(new Object[] { kind.getName(), key, item.version(), item.deleted(),
					item.serializedItem() })));
		retryOnLockFailure(() -> {
			while (true) {
				Boolean done = this.transactions.execute((status) -> {
					// The row lock taken here serializes concurrent inits until commit. A locking read rather than
					// the UPDATE's row count decides whether the row exists: with useAffectedRows, MySQL drivers
					// count an UPDATE that changes nothing as 0 rows.
					List<Integer> locked = this.jdbc.query("SELECT id FROM " + this.initTable + " WHERE id = 1 FOR UPDATE",
							(rs, rowNum) -> rs.getInt(1));
					if (locked.isEmpty()) {
						return false;
					}
					this.jdbc.update("UPDATE " + this.initTable + " SET initialized = ?, initialized_at = ? WHERE id = 1",
							true, Timestamp.from(Instant.now()));
					this.jdbc.update("DELETE FROM " + this.itemsTable);
					if (!rows.isEmpty()) {
						this.jdbc.batchUpdate("INSERT INTO " + this.itemsTable
								+ " (kind, item_key, version, deleted, item) VALUES (?, ?, ?, ?, ?)", rows);
					}
					return true;
				});
				if (Boolean.TRUE.equals(done)) {
					return null;
				}
				createInitRow();
			}
		});
	}

	/** The first init (or one after the table was emptied) creates the row the next ones lock. */
	private void createInitRow() {
		try {
			this.jdbc.update("INSERT INTO " + this.initTable + " (id, initialized) VALUES (1, ?)", false);
		}
		catch (DuplicateKeyException ex) {
			// Another instance created it first: that is all we need.
		}
	}

	@Override
	public @Nullable SerializedItemDescriptor get(DataKind kind, String key) {
		checkOpen();
		List<SerializedItemDescriptor> found = this.jdbc.query(
				"SELECT version, deleted, item FROM " + this.itemsTable + " WHERE kind = ? AND item_key = ?",
				(rs, rowNum) -> readItem(rs, 1), kind.getName(), key);
		return found.isEmpty() ? null : found.get(0);
	}

	@Override
	public KeyedItems<SerializedItemDescriptor> getAll(DataKind kind) {
		checkOpen();
		Map<String, SerializedItemDescriptor> items = new LinkedHashMap<>();
		this.jdbc.query("SELECT item_key, version, deleted, item FROM " + this.itemsTable
				+ " WHERE kind = ? ORDER BY item_key", (ResultSet rs) -> {
					items.put(rs.getString(1), readItem(rs, 2));
				}, kind.getName());
		return new KeyedItems<>(items);
	}

	/**
	 * Reads version, deleted and item from the current row, from column {@code first} on. A row that breaks the
	 * rules (a negative version, a live item without text) is answered as its text alone, so the wrapper
	 * reports that item as malformed instead of the store as down.
	 */
	private static SerializedItemDescriptor readItem(ResultSet rs, int first) throws SQLException {
		int version = rs.getInt(first);
		boolean deleted = rs.getBoolean(first + 1);
		String item = rs.getString(first + 2);
		if (version < 0 || (!deleted && item == null)) {
			return new SerializedItemDescriptor(0, false, (item != null) ? item : "");
		}
		return new SerializedItemDescriptor(version, deleted, item);
	}

	@Override
	public boolean upsert(DataKind kind, String key, SerializedItemDescriptor item) {
		checkOpen();
		Assert.notNull(item, "'item' must not be null");
		JdbcPlatform dialect = platform();
		return retryOnLockFailure(() -> (dialect == JdbcPlatform.POSTGRESQL) ? upsertOnConflict(kind, key, item)
				: upsertUpdateThenInsert(kind, key, item, dialect));
	}

	/** PostgreSQL: one statement; the WHERE of DO UPDATE makes an older or equal version a no-op (0 rows). */
	private boolean upsertOnConflict(DataKind kind, String key, SerializedItemDescriptor item) {
		int rows = this.jdbc.update("INSERT INTO " + this.itemsTable
				+ " AS t (kind, item_key, version, deleted, item) VALUES (?, ?, ?, ?, ?)"
				+ " ON CONFLICT (kind, item_key) DO UPDATE SET version = EXCLUDED.version,"
				+ " deleted = EXCLUDED.deleted, item = EXCLUDED.item WHERE t.version < EXCLUDED.version",
				kind.getName(), key, item.version(), item.deleted(), item.serializedItem());
		return rows > 0;
	}

	/**
	 * Other databases: a conditional UPDATE wins over any older row; if no row matched, either none exists (the
	 * INSERT adds it) or a newer or equal one does (the INSERT adds nothing, or hits the primary key when a writer
	 * inserted the row concurrently). Then the UPDATE is tried again, against whatever row is there now, and only
	 * a row it cannot replace rejects the write. No step trusts a value read earlier.
	 */
	private boolean upsertUpdateThenInsert(DataKind kind, String key, SerializedItemDescriptor item,
			JdbcPlatform dialect) {
		for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
			if (updateIfOlder(kind, key, item)) {
				return true;
			}
			try {
				if (insertIfAbsent(kind, key, item, dialect)) {
					return true;
				}
			}
			catch (DuplicateKeyException ex) {
				// Inserted concurrently by another writer: the UPDATE below decides against that row.
			}
			if (updateIfOlder(kind, key, item)) {
				return true;
			}
			Integer stored = this.jdbc.query("SELECT version FROM " + this.itemsTable + " WHERE kind = ? AND item_key = ?",
					(rs) -> rs.next() ? rs.getInt(1) : null, kind.getName(), key);
			if (stored != null) {
				// Only a newer or equal version can stop the conditional UPDATE: the write is rejected.
				return false;
			}
			// The row vanished between the statements (a concurrent init): start over.
		}
		throw new IllegalStateException("upsert of '" + key + "' (" + kind.getName()
				+ ") kept racing with concurrent writers; gave up after " + MAX_ATTEMPTS + " attempts");
	}

	private boolean updateIfOlder(DataKind kind, String key, SerializedItemDescriptor item) {
		return this.jdbc.update("UPDATE " + this.itemsTable
				+ " SET version = ?, deleted = ?, item = ? WHERE kind = ? AND item_key = ? AND version < ?",
				item.version(), item.deleted(), item.serializedItem(), kind.getName(), key, item.version()) > 0;
	}

	/**
	 * Inserts the row unless one exists. On MariaDB and MySQL the existence check is part of the INSERT, so the
	 * common case (an older update arriving late) does not make the driver log a duplicate-key error.
	 */
	private boolean insertIfAbsent(DataKind kind, String key, SerializedItemDescriptor item, JdbcPlatform dialect) {
		if (dialect == JdbcPlatform.MARIADB || dialect == JdbcPlatform.MYSQL) {
			return this.jdbc.update("INSERT INTO " + this.itemsTable + " (kind, item_key, version, deleted, item)"
					+ " SELECT ?, ?, ?, ?, ? FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM " + this.itemsTable
					+ " WHERE kind = ? AND item_key = ?)", kind.getName(), key, item.version(), item.deleted(),
					item.serializedItem(), kind.getName(), key) > 0;
		}
		return this.jdbc.update("INSERT INTO " + this.itemsTable
				+ " (kind, item_key, version, deleted, item) VALUES (?, ?, ?, ?, ?)", kind.getName(), key,
				item.version(), item.deleted(), item.serializedItem()) > 0;
	}

	@Override
	public boolean isInitialized() {
		checkOpen();
		List<Boolean> initialized = this.jdbc.query("SELECT initialized FROM " + this.initTable + " WHERE id = 1",
				(rs, rowNum) -> rs.getBoolean(1));
		return !initialized.isEmpty() && Boolean.TRUE.equals(initialized.get(0));
	}

	@Override
	public boolean isStoreAvailable() {
		if (this.closed) {
			return false;
		}
		try (Connection connection = this.targetDataSource.getConnection()) {
			return connection.isValid(this.availabilityTimeoutSeconds);
		}
		catch (SQLException | RuntimeException ex) {
			return false;
		}
	}

	/**
	 * Marks this store closed; later calls throw {@link IllegalStateException} and {@link #isStoreAvailable()}
	 * answers {@code false}. The data source stays open: it belongs to the application. Idempotent.
	 */
	@Override
	public void close() {
		this.closed = true;
	}

	/**
	 * Describes the store: its table prefix and, once the store has talked to the database, the database product
	 * and version. Never the JDBC URL, user or password. No I/O.
	 * @return the description
	 */
	@Override
	public java.util.Map<String, Object> describeConfiguration() {
		java.util.Map<String, Object> description = new java.util.LinkedHashMap<>();
		description.put("type", "jdbc");
		description.put("tablePrefix", this.tablePrefix);
		JdbcPlatform detected = this.platform;
		if (detected != null) {
			description.put("product", detected.productName());
			String version = this.databaseVersion;
			if (version != null) {
				description.put("productVersion", version);
			}
		}
		return description;
	}

	@Override
	public String toString() {
		return "JdbcPersistentDataStore{tablePrefix='" + this.tablePrefix + "'}";
	}

	private JdbcPlatform platform() {
		JdbcPlatform detected = this.platform;
		if (detected == null) {
			// Detected lazily, so that a database that is down at start-up is an outage, not a start-up failure.
			try {
				detected = JdbcPlatform.detect(this.jdbc.getDataSource());
			}
			catch (IllegalStateException ex) {
				// No connection to ask: the outage it is, worded as every other call's, not a set-up problem.
				if (ex.getCause() instanceof MetaDataAccessException metaDataFailure
						&& metaDataFailure.getCause() instanceof CannotGetJdbcConnectionException connectionFailure) {
					throw connectionFailure;
				}
				throw ex;
			}
			this.platform = detected;
			try {
				this.databaseVersion = JdbcUtils.extractDatabaseMetaData(this.jdbc.getDataSource(),
						java.sql.DatabaseMetaData::getDatabaseProductVersion);
			}
			catch (MetaDataAccessException | RuntimeException ex) {
				// Only a description.
			}
		}
		return detected;
	}

	private void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("The JDBC data store (table prefix '" + this.tablePrefix + "') is closed");
		}
	}

	private static <T> T retryOnLockFailure(Supplier<T> action) {
		for (int attempt = 1;; attempt++) {
			try {
				return action.get();
			}
			catch (PessimisticLockingFailureException ex) {
				// A deadlock victim or lock timeout between concurrent writers: the database rolled the statement
				// back, so running it again is safe.
				if (attempt >= MAX_ATTEMPTS) {
					throw ex;
				}
			}
		}
	}

	static void validateTablePrefix(String tablePrefix) {
		Assert.notNull(tablePrefix, "'tablePrefix' must not be null");
		Assert.isTrue(TABLE_PREFIX.matcher(tablePrefix).matches(), () -> "'tablePrefix' must start with a letter or "
				+ "underscore and hold only letters, digits and underscores, but was '" + tablePrefix + "'");
	}

}
