package dev.flagstore.spring.jdbc;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

/**
 * The databases the JDBC store has a schema script and SQL dialect for, detected from the JDBC metadata.
 */
enum JdbcPlatform {

	/** PostgreSQL: upsert with {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE}. */
	POSTGRESQL("postgresql", "PostgreSQL"),

	/** MariaDB: conditional update, then insert. */
	MARIADB("mariadb", "MariaDB"),

	/** MySQL: conditional update, then insert. */
	MYSQL("mysql", "MySQL"),

	/** H2: conditional update, then insert. */
	H2("h2", "H2");

	private final String id;

	private final String productName;

	JdbcPlatform(String id, String productName) {
		this.id = id;
		this.productName = productName;
	}

	/** The platform's name in {@code schema-<id>.sql}. */
	String id() {
		return this.id;
	}

	/** The database product's name, as its JDBC driver reports it (for descriptions). */
	String productName() {
		return this.productName;
	}

	/** The classpath location of the schema script. */
	String schemaLocation() {
		return "dev/flagstore/spring/jdbc/schema-" + this.id + ".sql";
	}

	static JdbcPlatform detect(DataSource dataSource) {
		String product;
		try {
			product = JdbcUtils.extractDatabaseMetaData(dataSource, (metaData) -> metaData.getDatabaseProductName());
		}
		catch (MetaDataAccessException ex) {
			throw new IllegalStateException("Cannot detect the database of the flagstore JDBC store: " + ex.getMessage(),
					ex);
		}
		return fromProductName(product);
	}

	static JdbcPlatform fromProductName(String product) {
		String lower = (product != null) ? product.toLowerCase(Locale.ROOT) : "";
		for (JdbcPlatform platform : values()) {
			if (lower.startsWith(platform.productName.toLowerCase(Locale.ROOT))) {
				return platform;
			}
		}
		throw new IllegalStateException("The flagstore JDBC store does not support the database '" + product
				+ "'. Supported: " + Arrays.stream(values()).map((p) -> p.productName).collect(Collectors.joining(", "))
				+ ". Use one of them, or implement dev.flagstore.store.PersistentDataStore for your database and "
				+ "check it with the flagstore-test contract suite.");
	}

}
