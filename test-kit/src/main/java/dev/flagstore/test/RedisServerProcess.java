package dev.flagstore.test;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import static org.awaitility.Awaitility.await;

/**
 * A {@code redis-server} of a test's own, a child process of the test JVM on a free loopback port, so that the
 * test can crash it ({@link #kill()}, {@code SIGKILL}), freeze it ({@link #freeze()}, {@code SIGSTOP}) and thaw it
 * ({@link #thaw()}, {@code SIGCONT}) without touching a shared server. It runs without persistence, so a server
 * started again after a kill is empty, on the same port; with a password it runs with {@code requirepass}.
 *
 * <p>{@link #create()} skips the calling test when {@code redis-server} is not on the {@code PATH}, or fails it
 * when {@code CI=true} ({@link ServerAssumptions}). {@link #close()} kills the server and deletes its work folder.
 * Not thread-safe: one test (or one fault driver) controls it; {@link #port()} and {@link #host()} may be read from
 * any thread.
 */
public final class RedisServerProcess implements AutoCloseable {

	private static final String HOST = "127.0.0.1";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

	private static final long WAIT_SECONDS = 10;

	private final String executable;

	private final int port;

	private final @Nullable String password;

	private final Path workDir;

	private @Nullable Process process;

	private RedisServerProcess(String executable, int port, @Nullable String password, Path workDir) {
		this.executable = executable;
		this.port = port;
		this.password = password;
		this.workDir = workDir;
	}

	/**
	 * Picks a free loopback port and a work folder for a server without password; the server is not started yet.
	 * @return the server, to {@link #start()}
	 * @throws IOException if no port or folder can be had
	 * @throws org.opentest4j.TestAbortedException if {@code redis-server} is not on the {@code PATH}
	 * @throws org.opentest4j.AssertionFailedError the same under {@code CI=true}
	 */
	public static RedisServerProcess create() throws IOException {
		return create(null);
	}

	/**
	 * Like {@link #create()}, for a server that requires {@code password} ({@code requirepass}) when one is given.
	 * @param password the password clients must send, or {@code null} for none
	 * @return the server, to {@link #start()}
	 * @throws IOException if no port or folder can be had
	 * @throws org.opentest4j.TestAbortedException if {@code redis-server} is not on the {@code PATH}
	 * @throws org.opentest4j.AssertionFailedError the same under {@code CI=true}
	 */
	public static RedisServerProcess create(@Nullable String password) throws IOException {
		return create(password, findExecutable(System.getenv("PATH")), ServerAssumptions.isContinuousIntegration());
	}

	static RedisServerProcess create(@Nullable String password, @Nullable String executable,
			boolean continuousIntegration) throws IOException {
		ServerAssumptions.assumeServer((executable != null) ? null : "redis-server is not on the PATH: this test "
				+ "starts, kills and freezes a Redis server of its own. Install Redis (e.g. apt-get install "
				+ "redis-server).", continuousIntegration);
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		return new RedisServerProcess(Objects.requireNonNull(executable), port, password,
				Files.createTempDirectory("flagstore-redis-"));
	}

	/** The executable {@code redis-server} in a folder of {@code path} (a {@code PATH} value), or {@code null}. */
	static @Nullable String findExecutable(@Nullable String path) {
		if (path == null) {
			return null;
		}
		for (String dir : path.split(File.pathSeparator)) {
			File candidate = new File(dir, "redis-server");
			if (!dir.isEmpty() && candidate.canExecute()) {
				return candidate.getAbsolutePath();
			}
		}
		return null;
	}

	/**
	 * The address the server listens on.
	 * @return {@code 127.0.0.1}
	 */
	public String host() {
		return HOST;
	}

	/**
	 * The server's port, the same across restarts.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * The password clients must send.
	 * @return the password, or {@code null} for none
	 */
	public @Nullable String password() {
		return this.password;
	}

	/**
	 * The process id of the running server.
	 * @return the pid, or {@code -1} when it is not running
	 */
	public long pid() {
		Process current = this.process;
		return (current != null && current.isAlive()) ? current.pid() : -1;
	}

	/**
	 * Whether the server process is alive (a frozen server is).
	 * @return whether it runs
	 */
	public boolean isRunning() {
		Process current = this.process;
		return current != null && current.isAlive();
	}

	/** The folder with the server's files and logs. */
	Path workDir() {
		return this.workDir;
	}

	/**
	 * Starts the server (again, empty after a {@link #kill()}) on its port and waits until the port accepts
	 * connections.
	 * @throws IOException if it cannot be started
	 * @throws IllegalStateException if it is running already, or exits while starting
	 */
	public void start() throws IOException {
		if (isRunning()) {
			throw new IllegalStateException("redis-server is running already on port " + this.port);
		}
		List<String> args = new ArrayList<>(List.of(this.executable, "--port", Integer.toString(this.port), "--bind",
				HOST, "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", this.workDir.toString(),
				"--logfile", this.workDir.resolve("redis.log").toString()));
		if (this.password != null) {
			args.addAll(List.of("--requirepass", this.password));
		}
		Process started = new ProcessBuilder(args).redirectErrorStream(true)
			.redirectOutput(this.workDir.resolve("stdout.log").toFile())
			.start();
		this.process = started;
		await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(5)).until(() -> {
			if (!started.isAlive()) {
				throw new IllegalStateException("redis-server exited; see " + this.workDir);
			}
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(HOST, this.port), 200);
				return true;
			}
			catch (IOException ex) {
				return false;
			}
		});
	}

	/**
	 * Kills the server at once ({@code SIGKILL}), as a crash or a lost machine would: open connections are reset,
	 * the data is gone. Waits until the process has exited; nothing happens when it is not running.
	 * @throws InterruptedException if interrupted while waiting
	 */
	public void kill() throws InterruptedException {
		Process current = this.process;
		if (current != null && current.isAlive()) {
			current.destroyForcibly();
			current.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
		}
		this.process = null;
	}

	/**
	 * Freezes the server ({@code SIGSTOP}), as a hung machine would: connections stay open and new ones are
	 * accepted by the kernel, but nothing is answered until {@link #thaw()}.
	 * @throws IOException if the signal cannot be sent
	 * @throws InterruptedException if interrupted while sending it
	 * @throws IllegalStateException if the server is not running
	 */
	public void freeze() throws IOException, InterruptedException {
		signal("STOP");
	}

	/**
	 * Thaws a frozen server ({@code SIGCONT}); it answers what arrived meanwhile.
	 * @throws IOException if the signal cannot be sent
	 * @throws InterruptedException if interrupted while sending it
	 * @throws IllegalStateException if the server is not running
	 */
	public void thaw() throws IOException, InterruptedException {
		signal("CONT");
	}

	/**
	 * Runs {@code redis-cli} (from the {@code PATH}) with {@code command} on a short-lived connection of its own,
	 * with the password if there is one, and answers its output, such as {@code "PONG\n"}. Blocks while the server
	 * is frozen.
	 * @param command the command and its arguments, such as {@code "EXISTS", "key"}
	 * @return what {@code redis-cli} printed (standard output and error)
	 * @throws IOException if {@code redis-cli} cannot be run
	 * @throws InterruptedException if interrupted while waiting for it
	 */
	public String cli(String... command) throws IOException, InterruptedException {
		List<String> args = new ArrayList<>(List.of("redis-cli", "-h", HOST, "-p", Integer.toString(this.port)));
		if (this.password != null) {
			args.addAll(List.of("-a", this.password, "--no-auth-warning"));
		}
		args.addAll(List.of(command));
		Process cli = new ProcessBuilder(args).redirectErrorStream(true).start();
		try {
			String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			cli.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
			return output;
		}
		finally {
			cli.destroyForcibly();
		}
	}

	/**
	 * The clients the server has connected, not counting the {@code redis-cli} that asks ({@code INFO clients}).
	 * @return the number of connected clients, or {@code -1} if the answer has none
	 * @throws IOException if {@code redis-cli} cannot be run
	 * @throws InterruptedException if interrupted while waiting for it
	 */
	public int connectedClients() throws IOException, InterruptedException {
		for (String line : cli("INFO", "clients").split("\\R")) {
			if (line.startsWith("connected_clients:")) {
				return Integer.parseInt(line.substring("connected_clients:".length()).trim()) - 1;
			}
		}
		return -1;
	}

	/**
	 * Kills the server (also a frozen one: it ignores {@code SIGTERM} until thawed, not {@code SIGKILL}) and deletes
	 * its work folder. Idempotent; a folder that cannot be deleted is left behind silently.
	 */
	@Override
	public void close() {
		try {
			kill();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		try (Stream<Path> files = Files.walk(this.workDir)) {
			files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
		catch (IOException ex) {
			// Gone already, or a temp folder left behind: no test failure.
		}
	}

	private void signal(String name) throws IOException, InterruptedException {
		Process current = this.process;
		if (current == null || !current.isAlive()) {
			throw new IllegalStateException("redis-server is not running");
		}
		Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(current.pid())).start();
		if (!kill.waitFor(WAIT_SECONDS, TimeUnit.SECONDS) || kill.exitValue() != 0) {
			throw new IOException("kill -" + name + " " + current.pid() + " failed");
		}
	}

	@Override
	public String toString() {
		return "redis-server on " + HOST + ":" + this.port + (isRunning() ? "" : " (not running)");
	}

}
