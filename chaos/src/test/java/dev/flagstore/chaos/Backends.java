package dev.flagstore.chaos;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

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
		String executable = RedisServerProcess.findExecutable();
		skipOrFail((executable == null) ? "redis-server is not on the PATH: the chaos suite starts, kills and "
				+ "freezes a server of its own" : null);
		return new RedisBackend(RedisServerProcess.start(executable, password), password);
	}

	/** A PostgreSQL backend on the shared server at 127.0.0.1:5432 (database test, user postgres, trust). */
	static PostgresBackend postgres() {
		skipOrFail(PostgresBackend.unreachableReason());
		return new PostgresBackend("test", "postgres", "", null);
	}

	/** The same, with a password both in the pool settings and in the JDBC URL. */
	static PostgresBackend postgresWithPassword(String password) {
		skipOrFail(PostgresBackend.unreachableReason());
		return new PostgresBackend("test", "postgres", password, "user=postgres&password=" + password);
	}

	private static void skipOrFail(@Nullable String reason) {
		if (reason == null) {
			return;
		}
		if ("true".equalsIgnoreCase(System.getenv("CI"))) {
			Assertions.fail(reason + " CI=true: failing instead of skipping.");
		}
		Assumptions.abort(reason);
	}

}
