package dev.flagstore.spring.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Map;

import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStoreException;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.PersistentDataStoreWrapper;
import dev.flagstore.store.SerializedItemDescriptor;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.datasource.AbstractDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A database that is down before the store's first write: the store learns the database type from that write's
 * connection, and not getting one must read as the outage it is, not as a set-up problem.
 */
class JdbcUnreachableDatabaseTests {

	private static final DataKind FEATURES = DataKind.json("features", Map.class);

	private final AbstractDataSource unreachable = new AbstractDataSource() {

		@Override
		public Connection getConnection() throws SQLException {
			throw new SQLTransientConnectionException("HikariPool-1 - Connection is not available, request timed out "
					+ "after 1000ms", "08001");
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			return getConnection();
		}

	};

	@Test
	void firstWriteToAnUnreachableDatabaseShouldFailAsAConnectionFailure() {
		JdbcPersistentDataStore store = new JdbcPersistentDataStore(this.unreachable, "flagstore_");
		assertThatExceptionOfType(CannotGetJdbcConnectionException.class)
			.isThrownBy(() -> store.upsert(FEATURES, "flag", new SerializedItemDescriptor(1, false, "{\"version\":1}")));
	}

	@Test
	void schemaInitializationAtStartUpShouldStillSayWhatItCouldNotDo() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new JdbcSchemaInitializer(this.unreachable, "flagstore_").initialize())
			.withMessageStartingWith("Cannot detect the database of the flagstore JDBC store")
			.withRootCauseInstanceOf(SQLTransientConnectionException.class);
	}

	@Test
	void lastErrorShouldSayTheConnectionFailedNotThatTheDatabaseIsUnknown() {
		try (PersistentDataStoreWrapper wrapper = PersistentDataStoreWrapper
			.builder(new JdbcPersistentDataStore(this.unreachable, "flagstore_"))
			.heartbeatInterval(Duration.ZERO)
			.build()) {
			assertThatExceptionOfType(DataStoreException.class)
				.isThrownBy(() -> wrapper.upsert(FEATURES, "flag", new ItemDescriptor(1, Map.of("on", true))));
			assertThat(wrapper.getStatusProvider().getStatus().getLastError())
				.startsWith("upsert failed <- CannotGetJdbcConnectionException")
				.doesNotContain("Cannot detect");
		}
	}

}
