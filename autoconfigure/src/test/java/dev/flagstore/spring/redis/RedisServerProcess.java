package dev.flagstore.spring.redis;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.flagstore.spring.TestServers;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@code redis-server} of a test's own, on a free loopback port, without persistence, that the test can kill and
 * start again on the same port (empty). {@link #create()} skips the calling test when {@code redis-server} is not on
 * the {@code PATH}, or fails it when {@code CI=true}.
 */
public final class RedisServerProcess {

	private final String executable;

	private final Path workDir;

	private final int port;

	private @Nullable Process process;

	private RedisServerProcess(String executable, Path workDir, int port) {
		this.executable = executable;
		this.workDir = workDir;
		this.port = port;
	}

	/**
	 * Picks a free port and a work folder; the server is not started yet.
	 * @return the server
	 * @throws IOException if no port or folder can be had
	 */
	public static RedisServerProcess create() throws IOException {
		String executable = findOnPath("redis-server");
		TestServers.skipOrFail((executable != null) ? null : "redis-server is not on the PATH: this test starts "
				+ "and stops a Redis server of its own. Install Redis (e.g. apt-get install redis-server).");
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		return new RedisServerProcess(executable, Files.createTempDirectory("flagstore-redis-"), port);
	}

	public String host() {
		return "127.0.0.1";
	}

	public int port() {
		return this.port;
	}

	/**
	 * Starts the server and waits until its port accepts connections.
	 * @throws IOException if it cannot be started
	 */
	public void start() throws IOException {
		Process started = new ProcessBuilder(List.of(this.executable, "--port", Integer.toString(this.port), "--bind",
				host(), "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", this.workDir.toString(),
				"--logfile", this.workDir.resolve("redis.log").toString()))
			.redirectErrorStream(true)
			.redirectOutput(this.workDir.resolve("stdout.log").toFile())
			.start();
		this.process = started;
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10)).ignoreExceptions().until(() -> {
			assertThat(started.isAlive()).as("redis-server exited; see %s", this.workDir).isTrue();
			try (Socket socket = new Socket(host(), this.port)) {
				return socket.isConnected();
			}
		});
	}

	/**
	 * Kills the server at once ({@code SIGKILL}), as a crash or a lost machine would, and waits until it is gone.
	 * @throws InterruptedException if interrupted while waiting
	 */
	public void kill() throws InterruptedException {
		Process running = this.process;
		if (running != null && running.isAlive()) {
			running.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		this.process = null;
	}

	/**
	 * Kills the server and deletes its work folder.
	 * @throws IOException if the folder cannot be read
	 * @throws InterruptedException if interrupted while waiting for the server to exit
	 */
	public void destroy() throws IOException, InterruptedException {
		kill();
		try (Stream<Path> files = Files.walk(this.workDir)) {
			files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
	}

	private static @Nullable String findOnPath(String name) {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String dir : path.split(File.pathSeparator)) {
			File candidate = new File(dir, name);
			if (candidate.canExecute()) {
				return candidate.getAbsolutePath();
			}
		}
		return null;
	}

}
