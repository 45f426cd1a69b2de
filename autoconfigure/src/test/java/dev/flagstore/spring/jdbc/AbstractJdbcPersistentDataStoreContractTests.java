package dev.flagstore.spring.jdbc;

import java.util.Objects;

import javax.sql.DataSource;

import dev.flagstore.store.DataKind;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.test.PersistentDataStoreContractTests;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@link PersistentDataStoreContractTests contract suite} for {@link JdbcPersistentDataStore}; one small
 * subclass per database supplies the {@link DataSource} and a unique table prefix, with tables created by
 * {@link JdbcSchemaInitializer}.
 */
abstract class AbstractJdbcPersistentDataStoreContractTests extends PersistentDataStoreContractTests {

	/**
	 * The tables of this test class on a real server; {@code null} for an embedded database, whose test overrides
	 * {@link #dataSource()} and {@link #tablePrefix()} instead.
	 * @return the tables, or {@code null}
	 */
	protected @Nullable ServerTables tables() {
		return null;
	}

	/**
	 * The data source of the database under test, with the store's tables created.
	 * @return the data source
	 */
	protected DataSource dataSource() {
		return Objects.requireNonNull(tables(), "tables").dataSource();
	}

	/**
	 * The table prefix of this test class.
	 * @return the prefix
	 */
	protected String tablePrefix() {
		return Objects.requireNonNull(tables(), "tables").tablePrefix();
	}

	/**
	 * Skips (or, on CI, fails) the test when the database does not answer; nothing for embedded databases.
	 */
	protected void requireServer() {
		ServerTables tables = tables();
		if (tables != null) {
			tables.requireServer();
		}
	}

	@Override
	protected PersistentDataStore createStore() {
		return new JdbcPersistentDataStore(dataSource(), tablePrefix());
	}

	@Override
	protected void clearData() {
		requireServer();
		JdbcTemplate jdbc = new JdbcTemplate(dataSource());
		jdbc.update("DELETE FROM " + tablePrefix() + "items");
		jdbc.update("DELETE FROM " + tablePrefix() + "init");
	}

	@Override
	protected boolean writeRawItem(DataKind kind, String key, int version, String rawValue) {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource());
		jdbc.update("DELETE FROM " + tablePrefix() + "items WHERE kind = ? AND item_key = ?", kind.getName(), key);
		jdbc.update("INSERT INTO " + tablePrefix() + "items (kind, item_key, version, deleted, item) VALUES (?, ?, ?, ?, ?)",
				kind.getName(), key, version, false, rawValue);
		return true;
	}

}
