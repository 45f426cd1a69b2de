package dev.flagstore.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RedisServerProcess} with the {@code redis-server} of the {@code PATH} (skipped without one, failed
 * under {@code CI=true}, as the class promises). Talks to the server over plain sockets with Redis' inline commands.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class RedisServerProcessTests {

	private RedisServerProcess server;

	@AfterEach
	void closeServer() {
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void startedServerShouldAnswerOnItsLoopbackPort() throws Exception {
		this.server = RedisServerProcess.create();
		assertThat(this.server.isRunning()).isFalse();
		assertThat(this.server.pid()).isEqualTo(-1);
		this.server.start();
		assertThat(this.server.isRunning()).isTrue();
		assertThat(this.server.pid()).isPositive();
		assertThat(this.server.host()).isEqualTo("127.0.0.1");
		assertThat(this.server.password()).isNull();
		try (Connection connection = new Connection(this.server)) {
			assertThat(connection.call("PING")).isEqualTo("+PONG");
		}
		assertThat(this.server.cli("PING").trim()).isEqualTo("PONG");
		assertThatIllegalStateException().isThrownBy(this.server::start).withMessageContaining("running already");
	}

	@Test
	void killedServerShouldResetConnectionsAndStartAgainEmptyOnTheSamePort() throws Exception {
		this.server = RedisServerProcess.create();
		this.server.start();
		int port = this.server.port();
		try (Connection connection = new Connection(this.server)) {
			assertThat(connection.call("SET flag on")).isEqualTo("+OK");
			this.server.kill();
			assertThat(this.server.isRunning()).isFalse();
			assertThat(connection.callOrFailure("PING")).isNull();
		}
		assertThat(ServerAssumptions.connectionFailure("127.0.0.1", port, Duration.ofSeconds(2))).isNotNull();
		this.server.start();
		assertThat(this.server.port()).isEqualTo(port);
		try (Connection connection = new Connection(this.server)) {
			assertThat(connection.call("EXISTS flag")).as("no persistence: the restarted server is empty")
				.isEqualTo(":0");
		}
	}

	@Test
	void frozenServerShouldKeepConnectionsOpenAndAnswerNothingUntilThawed() throws Exception {
		this.server = RedisServerProcess.create();
		this.server.start();
		try (Connection connection = new Connection(this.server)) {
			assertThat(connection.call("PING")).isEqualTo("+PONG");
			this.server.freeze();
			assertThat(this.server.isRunning()).as("a frozen process is alive").isTrue();
			connection.send("PING");
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> connection.read(300));
			this.server.thaw();
			assertThat(connection.read(10_000)).isEqualTo("+PONG");
		}
	}

	@Test
	void frozenServerShouldBeKilledByClose() throws Exception {
		this.server = RedisServerProcess.create();
		this.server.start();
		Path workDir = this.server.workDir();
		this.server.freeze();
		this.server.close();
		assertThat(this.server.isRunning()).isFalse();
		assertThat(workDir).doesNotExist();
		assertThatIllegalStateException().isThrownBy(this.server::thaw).withMessageContaining("not running");
		this.server.close();
	}

	@Test
	void serverWithPasswordShouldRequireIt() throws Exception {
		this.server = RedisServerProcess.create("Test-S3cret");
		this.server.start();
		assertThat(this.server.password()).isEqualTo("Test-S3cret");
		try (Connection connection = new Connection(this.server)) {
			assertThat(connection.call("PING")).startsWith("-NOAUTH");
			assertThat(connection.call("AUTH Test-S3cret")).isEqualTo("+OK");
			assertThat(connection.call("PING")).isEqualTo("+PONG");
		}
		assertThat(this.server.cli("PING").trim()).as("the CLI sends the password").isEqualTo("PONG");
	}

	@Test
	void connectedClientsShouldNotCountTheCliThatAsks() throws Exception {
		this.server = RedisServerProcess.create();
		this.server.start();
		assertThat(this.server.connectedClients()).isZero();
		try (Connection first = new Connection(this.server); Connection second = new Connection(this.server)) {
			assertThat(first.call("PING")).isEqualTo("+PONG");
			assertThat(second.call("PING")).isEqualTo("+PONG");
			await().atMost(Duration.ofSeconds(10)).until(() -> this.server.connectedClients() == 2);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.server.connectedClients() == 0);
	}

	@Test
	void missingExecutableShouldSkipTheTestOrFailItUnderContinuousIntegration() {
		assertThatExceptionOfType(TestAbortedException.class)
			.isThrownBy(() -> RedisServerProcess.create(null, null, false))
			.withMessageContaining("redis-server is not on the PATH");
		assertThatExceptionOfType(AssertionFailedError.class)
			.isThrownBy(() -> RedisServerProcess.create(null, null, true))
			.withMessageContaining("redis-server is not on the PATH")
			.withMessageContaining("CI=true");
	}

	@Test
	void executableShouldBeFoundInAFolderOfThePath(@TempDir Path empty, @TempDir Path bin) throws IOException {
		Path executable = Files.createFile(bin.resolve("redis-server"));
		assertThat(executable.toFile().setExecutable(true)).isTrue();
		String path = empty + java.io.File.pathSeparator + bin;
		assertThat(RedisServerProcess.findExecutable(path)).isEqualTo(executable.toAbsolutePath().toString());
		assertThat(RedisServerProcess.findExecutable(empty.toString())).isNull();
		assertThat(RedisServerProcess.findExecutable(null)).isNull();
		assertThat(executable.toFile().setExecutable(false)).isTrue();
		assertThat(RedisServerProcess.findExecutable(path)).as("not executable").isNull();
	}

	/** A plain socket speaking Redis' inline protocol; replies are read as their first line. */
	private static final class Connection implements AutoCloseable {

		private final Socket socket = new Socket();

		private final BufferedReader in;

		Connection(RedisServerProcess server) throws IOException {
			this.socket.connect(new InetSocketAddress(server.host(), server.port()), 2000);
			this.in = new BufferedReader(new InputStreamReader(this.socket.getInputStream(), StandardCharsets.UTF_8));
		}

		String call(String command) throws IOException {
			send(command);
			return read(10_000);
		}

		/** The reply, or {@code null} when the connection fails (reset or closed by the server). */
		String callOrFailure(String command) {
			try {
				return call(command);
			}
			catch (IOException ex) {
				return null;
			}
		}

		void send(String command) throws IOException {
			this.socket.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
			this.socket.getOutputStream().flush();
		}

		String read(int timeoutMillis) throws IOException {
			this.socket.setSoTimeout(timeoutMillis);
			String line = this.in.readLine();
			if (line == null) {
				throw new IOException("connection closed by the server");
			}
			return line;
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

}
