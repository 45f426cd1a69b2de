package dev.flagstore.spring.jdbc;

/**
 * The database servers of the JDBC integration tests, with the local defaults and the prefix of the environment
 * variables that point the tests elsewhere ({@code FLAGSTORE_POSTGRES_URL}, {@code _USER}, {@code _PASSWORD}).
 */
public enum DatabaseServer {

	/** PostgreSQL: {@code jdbc:postgresql://127.0.0.1:5432/test} as {@code postgres}, trust authentication. */
	POSTGRESQL("PostgreSQL", "POSTGRES", "pg", "jdbc:postgresql://127.0.0.1:5432/test", "postgres", 5432),

	/** MariaDB: {@code jdbc:mariadb://127.0.0.1:3306/test} as {@code root}, without password. */
	MARIADB("MariaDB", "MARIADB", "maria", "jdbc:mariadb://127.0.0.1:3306/test", "root", 3306);

	final String displayName;

	final String variablePrefix;

	/** Starts the table prefixes of the tests on this server. */
	final String tag;

	final String defaultUrl;

	final String defaultUser;

	final int defaultPort;

	DatabaseServer(String displayName, String variable, String tag, String defaultUrl, String defaultUser,
			int defaultPort) {
		this.displayName = displayName;
		this.variablePrefix = "FLAGSTORE_" + variable + "_";
		this.tag = tag;
		this.defaultUrl = defaultUrl;
		this.defaultUser = defaultUser;
		this.defaultPort = defaultPort;
	}

}
