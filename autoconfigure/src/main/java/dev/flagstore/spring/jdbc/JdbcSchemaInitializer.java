package dev.flagstore.spring.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;

import javax.sql.DataSource;

import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.EncodedResource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.datasource.init.ScriptUtils;
import org.springframework.util.Assert;

/**
 * Creates the JDBC store's tables: detects the database from the JDBC metadata and runs the script shipped for it
 * ({@code dev/flagstore/spring/jdbc/schema-<platform>.sql}, platform {@code postgresql}, {@code mariadb},
 * {@code mysql} or {@code h2}) with {@value #TABLE_PREFIX_TOKEN} replaced by the table prefix. The scripts use
 * {@code CREATE TABLE IF NOT EXISTS}, so running it again changes nothing. Needs the right to create tables.
 *
 * <p>A tool for code and tests that create the tables themselves, with Spring JDBC only. The auto-configuration uses
 * {@link JdbcStoreDataSourceScriptDatabaseInitializer}, Spring Boot's kind of database initializer, which runs the
 * same scripts.
 */
public class JdbcSchemaInitializer {

	/** The token in the schema scripts that stands for the table prefix. */
	public static final String TABLE_PREFIX_TOKEN = "%TABLE_PREFIX%";

	private final DataSource dataSource;

	private final String tablePrefix;

	/**
	 * Creates the initializer.
	 * @param dataSource the data source to create the tables in
	 * @param tablePrefix the table name prefix, as given to {@link JdbcPersistentDataStore}
	 */
	public JdbcSchemaInitializer(DataSource dataSource, String tablePrefix) {
		Assert.notNull(dataSource, "'dataSource' must not be null");
		JdbcPersistentDataStore.validateTablePrefix(tablePrefix);
		this.dataSource = dataSource;
		this.tablePrefix = tablePrefix;
	}

	/**
	 * Creates the tables that do not exist yet. Idempotent.
	 * @throws IllegalStateException if the database is not supported (the message lists the supported ones) or
	 * the script fails
	 */
	public void initialize() {
		JdbcPlatform platform = JdbcPlatform.detect(this.dataSource);
		String script = withTablePrefix(loadScript(platform), this.tablePrefix);
		Connection connection = DataSourceUtils.getConnection(this.dataSource);
		try {
			ScriptUtils.executeSqlScript(connection, new EncodedResource(
					new ByteArrayResource(script.getBytes(StandardCharsets.UTF_8), platform.schemaLocation()),
					StandardCharsets.UTF_8));
		}
		catch (RuntimeException ex) {
			throw scriptFailed(platform, this.tablePrefix, ex);
		}
		finally {
			DataSourceUtils.releaseConnection(connection, this.dataSource);
		}
	}

	/**
	 * The script for the detected database, with the table prefix filled in: what {@link #initialize()} runs, for
	 * a database administrator who creates the tables by hand.
	 * @return the SQL script
	 */
	public String getScript() {
		return withTablePrefix(loadScript(JdbcPlatform.detect(this.dataSource)), this.tablePrefix);
	}

	/** The script with the table prefix filled in; shared with {@link JdbcStoreDataSourceScriptDatabaseInitializer}. */
	static String withTablePrefix(String script, String tablePrefix) {
		return script.replace(TABLE_PREFIX_TOKEN, tablePrefix);
	}

	/** The start-up message when a script fails; shared with {@link JdbcStoreDataSourceScriptDatabaseInitializer}. */
	static IllegalStateException scriptFailed(JdbcPlatform platform, String tablePrefix, RuntimeException cause) {
		return new IllegalStateException("Cannot create the flagstore tables with " + platform.schemaLocation()
				+ " (table prefix '" + tablePrefix + "'): " + cause.getMessage(), cause);
	}

	private static String loadScript(JdbcPlatform platform) {
		ClassPathResource resource = new ClassPathResource(platform.schemaLocation(),
				JdbcSchemaInitializer.class.getClassLoader());
		try (InputStream in = resource.getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException("The flagstore schema script " + platform.schemaLocation()
					+ " is missing from the class path", ex);
		}
	}

}
