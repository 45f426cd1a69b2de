package dev.flagstore.chaos;

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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import static org.awaitility.Awaitility.await;

/**
 * A throwaway {@code redis-server} on a free loopback port, started as a child process of the test JVM so that it
 * can be killed ({@code SIGKILL}), frozen ({@code SIGSTOP}) and thawed ({@code SIGCONT}) without touching the
 * shared server. No persistence: a killed server restarts empty. Not thread-safe; one fault driver uses it.
 */
final class RedisServerProcess implements AutoCloseable {

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

	/** The {@code redis-server} on the PATH, or {@code null}. */
	static @Nullable String findExecutable() {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String dir : path.split(File.pathSeparator)) {
			File candidate = new File(dir, "redis-server");
			if (candidate.canExecute()) {
				return candidate.getAbsolutePath();
			}
		}
		return null;
	}

	/** Starts a server on a free port, with {@code requirepass} when a password is given. */
	static RedisServerProcess start(String executable, @Nullable String password) throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		RedisServerProcess server = new RedisServerProcess(executable, port, password,
				Files.createTempDirectory("flagstore-chaos-redis-"));
		server.startProcess();
		return server;
	}

	int port() {
		return this.port;
	}

	long pid() {
		Process current = this.process;
		return (current != null) ? current.pid() : -1;
	}

	boolean isRunning() {
		Process current = this.process;
		return current != null && current.isAlive();
	}

	/** Kills the server at once ({@code SIGKILL}): open connections are reset, the data is gone. */
	void kill() throws InterruptedException {
		Process current = this.process;
		if (current != null && current.isAlive()) {
			current.destroyForcibly();
			current.waitFor(10, TimeUnit.SECONDS);
		}
		this.process = null;
	}

	/** Starts the server again on the same port (empty), and waits until it accepts connections. */
	void restart() throws IOException {
		startProcess();
	}

	/** Freezes the server ({@code SIGSTOP}): connections stay open, nothing is answered. */
	void freeze() throws IOException, InterruptedException {
		signal("STOP");
	}

	/** Thaws a frozen server ({@code SIGCONT}). */
	void thaw() throws IOException, InterruptedException {
		signal("CONT");
	}

	/**
	 * Runs {@code redis-cli} against the server (a short-lived connection of its own) and answers its output.
	 */
	String cli(String... command) throws IOException, InterruptedException {
		List<String> args = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(this.port)));
		if (this.password != null) {
			args.addAll(List.of("-a", this.password, "--no-auth-warning"));
		}
		args.addAll(List.of(command));
		Process cli = new ProcessBuilder(args).redirectErrorStream(true).start();
		String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		cli.waitFor(10, TimeUnit.SECONDS);
		return output;
	}

	/** Connected clients as the server counts them, not counting the {@code redis-cli} that asks. */
	int connectedClients() throws IOException, InterruptedException {
		for (String line : cli("INFO", "clients").split("\\R")) {
			if (line.startsWith("connected_clients:")) {
				return Integer.parseInt(line.substring("connected_clients:".length()).trim()) - 1;
			}
		}
		return -1;
	}

	/** Kills the server and deletes its folder. */
	@Override
	public void close() {
		Process current = this.process;
		if (current != null) {
			// A frozen server ignores SIGTERM until thawed; SIGKILL works either way.
			current.destroyForcibly();
			try {
				current.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		try (Stream<Path> files = Files.walk(this.workDir)) {
			files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
		catch (IOException ex) {
			// A temp folder left behind is no test failure.
		}
	}

	private void signal(String name) throws IOException, InterruptedException {
		Process current = this.process;
		if (current == null) {
			throw new IllegalStateException("redis-server is not running");
		}
		new ProcessBuilder("kill", "-" + name, Long.toString(current.pid())).start().waitFor(10, TimeUnit.SECONDS);
	}

	private void startProcess() throws IOException {
		List<String> args = new ArrayList<>(List.of(this.executable, "--port", Integer.toString(this.port), "--bind",
				"127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", this.workDir.toString(),
				"--logfile", this.workDir.resolve("redis.log").toString()));
		if (this.password != null) {
			args.addAll(List.of("--requirepass", this.password));
		}
		Process started = new ProcessBuilder(args).redirectErrorStream(true)
			.redirectOutput(this.workDir.resolve("stdout.log").toFile())
			.start();
		this.process = started;
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(() -> {
			if (!started.isAlive()) {
				throw new IllegalStateException("redis-server exited; see " + this.workDir);
			}
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
				return true;
			}
			catch (IOException ex) {
				return false;
			}
		});
	}

}
