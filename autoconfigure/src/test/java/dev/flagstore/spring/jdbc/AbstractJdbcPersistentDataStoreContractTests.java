package dev.flagstore.spring.jdbc;

import java.util.function.Supplier;

import javax.sql.DataSource;

import dev.flagstore.store.DataKind;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.test.PersistentDataStoreContractTests;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@link PersistentDataStoreContractTests contract suite} for {@link JdbcPersistentDataStore}; one small
 * subclass per database supplies the {@link DataSource} and a unique table prefix, with tables created by
 * {@link JdbcSchemaInitializer}.
 */
abstract class AbstractJdbcPersistentDataStoreContractTests extends PersistentDataStoreContractTests {

	private final Supplier<DataSource> dataSource;

	private final String tablePrefix;

	/**
	 * @param dataSource the data source of the database under test, with the store's tables created; asked for
	 * each time it is used, so that a server's tables can skip (or fail) the test when the server does not answer
	 * @param tablePrefix the table prefix of the test class
	 */
	protected AbstractJdbcPersistentDataStoreContractTests(Supplier<DataSource> dataSource, String tablePrefix) {
		this.dataSource = dataSource;
		this.tablePrefix = tablePrefix;
	}

	/**
	 * @param tables the tables of the test class on a real server
	 */
	protected AbstractJdbcPersistentDataStoreContractTests(ServerTables tables) {
		this(tables::dataSource, tables.tablePrefix());
	}

	@Override
	protected PersistentDataStore createStore() {
		return new JdbcPersistentDataStore(this.dataSource.get(), this.tablePrefix);
	}

	@org.junit.jupiter.api.Test
	void descriptionShouldNameTheTablePrefixAndTheDatabaseButNoConnectionDetails() {
		PersistentDataStore store = createStore();
		try {
			store.init(new dev.flagstore.store.FullDataSet<>(java.util.Map.of()));
			java.util.Map<String, Object> description = store.describeConfiguration();
			org.assertj.core.api.Assertions.assertThat(description)
				.containsEntry("type", "jdbc")
				.containsEntry("tablePrefix", this.tablePrefix)
				.containsKeys("product", "productVersion");
			org.assertj.core.api.Assertions.assertThat(description.toString()).doesNotContain("jdbc:", "password");
		}
		finally {
			store.close();
		}
	}

	@Override
	protected void clearData() {
		TestDatabases.deleteRows(new JdbcTemplate(this.dataSource.get()), this.tablePrefix);
	}

	@Override
	protected boolean writeRawItem(DataKind kind, String key, int version, String rawValue) {
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource.get());
		jdbc.update("DELETE FROM " + this.tablePrefix + "items WHERE kind = ? AND item_key = ?", kind.getName(), key);
		jdbc.update("INSERT INTO " + this.tablePrefix
				+ "items (kind, item_key, version, deleted, item) VALUES (?, ?, ?, ?, ?)", kind.getName(), key,
				version, false, rawValue);
		return true;
	}

}
