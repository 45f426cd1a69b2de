package dev.flagstore.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ServerAssumptions}: both branches of the skip-or-fail rule, whatever {@code CI} is set to here.
 */
class ServerAssumptionsTests {

	@Test
	void availableServerShouldLetTheTestRun() {
		assertThatCode(() -> ServerAssumptions.assumeServer(null, false)).doesNotThrowAnyException();
		assertThatCode(() -> ServerAssumptions.assumeServer(null, true)).doesNotThrowAnyException();
		assertThatCode(() -> ServerAssumptions.assumeServer(null)).doesNotThrowAnyException();
	}

	@Test
	void unavailableServerShouldSkipTheTestWithTheReason() {
		assertThatExceptionOfType(TestAbortedException.class)
			.isThrownBy(() -> ServerAssumptions.assumeServer("Redis is not reachable.", false))
			.withMessageContaining("Redis is not reachable.");
	}

	@Test
	void unavailableServerShouldFailTheTestUnderContinuousIntegration() {
		assertThatExceptionOfType(AssertionFailedError.class)
			.isThrownBy(() -> ServerAssumptions.assumeServer("Redis is not reachable.", true))
			.withMessage("Redis is not reachable. CI=true: failing instead of skipping.");
	}

	@Test
	void unavailableServerShouldFollowTheCiVariableOfThisRun() {
		Class<? extends Throwable> expected = "true".equalsIgnoreCase(System.getenv("CI")) ? AssertionFailedError.class
				: TestAbortedException.class;
		assertThat(ServerAssumptions.isContinuousIntegration()).isEqualTo(expected == AssertionFailedError.class);
		assertThatExceptionOfType(expected).isThrownBy(() -> ServerAssumptions.assumeServer("gone"));
	}

	@Test
	void connectionFailureShouldBeNullForAListeningPort() throws IOException {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			assertThat(ServerAssumptions.connectionFailure("127.0.0.1", server.getLocalPort(), Duration.ofSeconds(2)))
				.isNull();
		}
	}

	@Test
	void connectionFailureShouldSayWhyForAClosedPort() throws IOException {
		int port;
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = server.getLocalPort();
		}
		assertThat(ServerAssumptions.connectionFailure("127.0.0.1", port, Duration.ofSeconds(2)))
			.containsIgnoringCase("refused");
	}

	@Test
	void connectionFailureShouldRefuseANonPositiveTimeout() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ServerAssumptions.connectionFailure("127.0.0.1", 1, Duration.ZERO))
			.withMessageContaining("PT0S");
	}

}
