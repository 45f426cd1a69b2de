package dev.flagstore.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TcpFaultProxy} against a small echo server.
 */
class TcpFaultProxyTests {

	private ServerSocket echoServer;

	private Thread echoThread;

	private TcpFaultProxy proxy;

	@BeforeEach
	void startEchoServer() throws IOException {
		this.echoServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.echoThread = new Thread(() -> {
			while (true) {
				try {
					Socket socket = this.echoServer.accept();
					Thread worker = new Thread(() -> echo(socket));
					worker.setDaemon(true);
					worker.start();
				}
				catch (IOException ex) {
					return;
				}
			}
		});
		this.echoThread.setDaemon(true);
		this.echoThread.start();
		this.proxy = TcpFaultProxy.start("127.0.0.1", this.echoServer.getLocalPort());
	}

	@AfterEach
	void stop() throws Exception {
		this.proxy.close();
		this.echoServer.close();
		this.echoThread.join(5000);
	}

	@Test
	void forwardsBothWays() throws IOException {
		try (Socket socket = connect()) {
			assertThat(roundTrip(socket, "hello")).isEqualTo("hello");
		}
	}

	@Test
	void cutConnectionsResetsOpenConnectionsAndAcceptsNewOnes() throws IOException {
		try (Socket socket = connect()) {
			assertThat(roundTrip(socket, "one")).isEqualTo("one");
			this.proxy.cutConnections();
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> {
				roundTrip(socket, "two");
				roundTrip(socket, "three");
			});
		}
		try (Socket socket = connect()) {
			assertThat(roundTrip(socket, "again")).isEqualTo("again");
		}
	}

	@Test
	void refuseConnectionsResetsNewConnectionsUntilRestored() throws IOException {
		this.proxy.refuseConnections();
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> {
			try (Socket socket = connect()) {
				roundTrip(socket, "x");
			}
		});
		this.proxy.restore();
		try (Socket socket = connect()) {
			assertThat(roundTrip(socket, "back")).isEqualTo("back");
		}
	}

	@Test
	void blackholeForwardsNothingAndRestoreDeliversHeldData() throws IOException {
		try (Socket socket = connect()) {
			assertThat(roundTrip(socket, "before")).isEqualTo("before");
			this.proxy.blackhole();
			socket.setSoTimeout(300);
			socket.getOutputStream().write("held".getBytes(StandardCharsets.UTF_8));
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> socket.getInputStream().read());
			this.proxy.restore();
			socket.setSoTimeout(5000);
			assertThat(new String(socket.getInputStream().readNBytes(4), StandardCharsets.UTF_8)).isEqualTo("held");
		}
	}

	@Test
	void latencyDelaysData() throws IOException {
		this.proxy.setLatency(Duration.ofMillis(200));
		try (Socket socket = connect()) {
			long start = System.nanoTime();
			assertThat(roundTrip(socket, "slow")).isEqualTo("slow");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
		}
	}

	@Test
	void closeEndsConnectionsAndThreads() throws IOException {
		Socket socket = connect();
		assertThat(roundTrip(socket, "x")).isEqualTo("x");
		await().until(() -> this.proxy.getOpenConnectionCount() == 1);
		this.proxy.close();
		assertThat(this.proxy.getOpenConnectionCount()).isZero();
		assertThat(Thread.getAllStackTraces().keySet())
			.noneMatch((thread) -> thread.isAlive() && thread.getName().startsWith("tcp-fault-proxy-"));
		socket.close();
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress(this.proxy.getHost(), this.proxy.getPort()), 5000);
		socket.setSoTimeout(5000);
		return socket;
	}

	private static String roundTrip(Socket socket, String text) throws IOException {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		socket.getOutputStream().write(bytes);
		socket.getOutputStream().flush();
		byte[] answer = socket.getInputStream().readNBytes(bytes.length);
		if (answer.length < bytes.length) {
			throw new IOException("connection closed");
		}
		return new String(answer, StandardCharsets.UTF_8);
	}

	private static void echo(Socket socket) {
		try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
			byte[] buffer = new byte[1024];
			int read;
			while ((read = in.read(buffer)) >= 0) {
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException ex) {
			// The test closed the connection.
		}
	}

}
