package dev.flagstore.spring;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

/**
 * How the integration tests reach their servers: Testcontainers when a Docker engine answers, else a local server
 * that is skipped with the reason when unreachable, except under {@code CI=true}, where that fails the test.
 */
public final class TestServers {

	private TestServers() {
	}

	/**
	 * Whether a Docker engine answers, so that Testcontainers can start servers.
	 * @return whether Docker is available
	 */
	public static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (Throwable ex) {
			return false;
		}
	}

	/**
	 * Why a TCP connection to a server fails.
	 * @param what the server's name, for the message
	 * @param host its host
	 * @param port its port
	 * @param variable the environment variable that points the tests at another server
	 * @return the reason, or {@code null} when the connection succeeds
	 */
	public static @Nullable String unreachableReason(String what, String host, int port, String variable) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 2000);
			return null;
		}
		catch (IOException ex) {
			return what + " is not reachable at " + host + ":" + port + " (" + ex.getMessage() + "). Start it, "
					+ "or point " + variable + " at one, or run with a Docker engine for Testcontainers.";
		}
	}

	/**
	 * Skips the calling test with {@code reason}, or fails it when {@code CI=true}; nothing if it is {@code null}.
	 * @param reason why the server cannot be used, or {@code null}
	 */
	public static void skipOrFail(@Nullable String reason) {
		if (reason == null) {
			return;
		}
		if ("true".equalsIgnoreCase(System.getenv("CI"))) {
			Assertions.fail(reason + " CI=true: failing instead of skipping.");
		}
		Assumptions.abort(reason);
	}

}
