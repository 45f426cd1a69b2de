package dev.flagstore.chaos;

import dev.flagstore.test.RedisServerProcess;
import dev.flagstore.test.ServerAssumptions;
import org.jspecify.annotations.Nullable;

/**
 * Where the scenarios find their servers, with the rule of the other integration tests: a server that cannot be
 * reached (or a {@code redis-server} missing from the PATH) skips the test with the reason, except when
 * {@code CI=true}, where it fails.
 */
final class Backends {

	private Backends() {
	}

	/** A Redis backend on a throwaway {@code redis-server}, with {@code requirepass} when a password is given. */
	static RedisBackend redis(@Nullable String password) throws Exception {
		RedisServerProcess server = RedisServerProcess.create(password);
		try {
			server.start();
			return new RedisBackend(server, password);
		}
		catch (Exception | Error ex) {
			server.close();
			throw ex;
		}
	}

	/** A PostgreSQL backend on the shared server at 127.0.0.1:5432 (database test, user postgres, trust). */
	static PostgresBackend postgres() {
		ServerAssumptions.assumeServer(PostgresBackend.unreachableReason());
		return new PostgresBackend("test", "postgres", "", null);
	}

	/** The same, with a password both in the pool settings and in the JDBC URL. */
	static PostgresBackend postgresWithPassword(String password) {
		ServerAssumptions.assumeServer(PostgresBackend.unreachableReason());
		return new PostgresBackend("test", "postgres", password, "user=postgres&password=" + password);
	}

}
