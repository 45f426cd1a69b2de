package dev.flagstore.spring.jdbc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;
import org.springframework.util.Assert;

/**
 * Creates the JDBC store's tables as a Spring Boot database initializer, so that Boot orders it with Flyway,
 * Liquibase and {@code spring.sql.init} and creates beans marked
 * {@link org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization @DependsOnDatabaseInitialization}
 * (the JDBC store among them) after it. It runs when it is initialized as a bean (or when
 * {@link #initializeDatabase()} is called), as the {@link DatabaseInitializationMode} says: {@code always},
 * {@code embedded} (only for an embedded database such as H2) or {@code never}.
 *
 * <p>The scripts are those of {@link JdbcSchemaInitializer}: one per platform
 * ({@code dev/flagstore/spring/jdbc/schema-<platform>.sql}). When the scripts are to run, the platform is detected
 * from the JDBC metadata (the same detection as the store's SQL dialect) and only its script is run, with
 * {@value JdbcSchemaInitializer#TABLE_PREFIX_TOKEN} replaced by the table prefix. Nothing connects to the database
 * when the instance is created, nor at all in mode {@code never}. A script that fails stops start-up.
 */
public class JdbcStoreDataSourceScriptDatabaseInitializer extends DataSourceScriptDatabaseInitializer {

	private final String tablePrefix;

	/**
	 * Creates the initializer.
	 * @param dataSource the data source to create the tables in; not {@code null}
	 * @param tablePrefix the table name prefix, as given to {@link JdbcPersistentDataStore}
	 * @param mode when to create the tables; not {@code null}
	 * @throws IllegalArgumentException if the prefix is not a plain SQL identifier prefix
	 */
	public JdbcStoreDataSourceScriptDatabaseInitializer(DataSource dataSource, String tablePrefix,
			DatabaseInitializationMode mode) {
		super(checkDataSource(dataSource), settings(mode));
		JdbcPersistentDataStore.validateTablePrefix(tablePrefix);
		this.tablePrefix = tablePrefix;
	}

	private static DataSource checkDataSource(DataSource dataSource) {
		Assert.notNull(dataSource, "'dataSource' must not be null");
		return dataSource;
	}

	/**
	 * Every platform's script: which one applies is known only once the database answers, and that is asked only
	 * when the scripts are to run ({@link #runScripts}).
	 */
	private static DatabaseInitializationSettings settings(DatabaseInitializationMode mode) {
		Assert.notNull(mode, "'mode' must not be null");
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setSchemaLocations(
				Arrays.stream(JdbcPlatform.values()).map((platform) -> "classpath:" + platform.schemaLocation()).toList());
		settings.setMode(mode);
		settings.setContinueOnError(false);
		settings.setEncoding(StandardCharsets.UTF_8);
		return settings;
	}

	/**
	 * The table prefix that replaces {@value JdbcSchemaInitializer#TABLE_PREFIX_TOKEN} in the script.
	 * @return the table prefix, never {@code null}
	 */
	public String getTablePrefix() {
		return this.tablePrefix;
	}

	/**
	 * Runs the detected platform's script, with the table prefix filled in.
	 * @throws IllegalStateException if the database cannot be reached or is not supported, or if the script fails
	 */
	@Override
	protected void runScripts(Scripts scripts) {
		JdbcPlatform platform = JdbcPlatform.detect(getDataSource());
		Resource script = scriptFor(platform, scripts);
		byte[] sql;
		try {
			sql = JdbcSchemaInitializer.withTablePrefix(script.getContentAsString(StandardCharsets.UTF_8),
					this.tablePrefix)
				.getBytes(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read the flagstore schema script " + platform.schemaLocation(), ex);
		}
		Scripts prefixed = new Scripts(List.of(new ByteArrayResource(sql, platform.schemaLocation())))
			.continueOnError(scripts.isContinueOnError())
			.separator(scripts.getSeparator())
			.encoding(StandardCharsets.UTF_8);
		try {
			super.runScripts(prefixed);
		}
		catch (RuntimeException ex) {
			throw JdbcSchemaInitializer.scriptFailed(platform, this.tablePrefix, ex);
		}
	}

	private static Resource scriptFor(JdbcPlatform platform, Scripts scripts) {
		String fileName = platform.schemaLocation().substring(platform.schemaLocation().lastIndexOf('/') + 1);
		for (Resource script : scripts) {
			if (fileName.equals(script.getFilename())) {
				return script;
			}
		}
		throw new IllegalStateException("The flagstore schema script " + platform.schemaLocation()
				+ " is missing from the class path");
	}

}
