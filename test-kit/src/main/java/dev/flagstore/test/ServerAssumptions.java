package dev.flagstore.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The rule for a test that needs a server it cannot have (not reachable, not installed): the test is skipped with
 * the reason, so that a developer without the server still gets a green build that says what did not run, except
 * when the environment variable {@code CI} is {@code true}, where a missing server fails the test instead of
 * silently shrinking the build. Stateless and thread-safe.
 */
public final class ServerAssumptions {

	private ServerAssumptions() {
	}

	/**
	 * Skips the calling test with {@code unavailableReason} (JUnit's {@link Assumptions#abort(String)}), or fails it
	 * when {@code CI=true}; does nothing when the reason is {@code null}.
	 * @param unavailableReason why the server cannot be used, or {@code null} when it can
	 * @throws org.opentest4j.TestAbortedException to skip the test
	 * @throws org.opentest4j.AssertionFailedError to fail it under {@code CI=true}
	 */
	public static void assumeServer(@Nullable String unavailableReason) {
		assumeServer(unavailableReason, isContinuousIntegration());
	}

	/**
	 * Whether the tests run under continuous integration ({@code CI=true}, any case), where a missing server fails.
	 * @return whether a missing server fails instead of skipping
	 */
	public static boolean isContinuousIntegration() {
		return "true".equalsIgnoreCase(System.getenv("CI"));
	}

	/**
	 * Why a TCP connection to {@code host:port} cannot be opened within {@code timeout} (the exception's message,
	 * such as {@code "Connection refused"}), to build the reason given to {@link #assumeServer}. A connection that
	 * opens is closed at once.
	 * @param host the server's host
	 * @param port the server's port
	 * @param timeout how long to wait for the connection; positive
	 * @return the failure, or {@code null} when the connection succeeds
	 */
	public static @Nullable String connectionFailure(String host, int port, Duration timeout) {
		Objects.requireNonNull(host, "host");
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("timeout must be positive: " + timeout);
		}
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), Math.toIntExact(timeout.toMillis()));
			return null;
		}
		catch (IOException ex) {
			String message = ex.getMessage();
			return (message != null) ? message : ex.getClass().getSimpleName();
		}
	}

	/** {@link #assumeServer(String)} with the CI decision given, so that both branches can be tested anywhere. */
	static void assumeServer(@Nullable String unavailableReason, boolean continuousIntegration) {
		if (unavailableReason == null) {
			return;
		}
		if (continuousIntegration) {
			Assertions.fail(unavailableReason + " CI=true: failing instead of skipping.");
		}
		Assumptions.abort(unavailableReason);
	}

}
