package dev.flagstore.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small TCP proxy between a client and a server that can cut connections, refuse new ones, blackhole traffic
 * and add latency, to test how a client behaves when the network fails.
 *
 * <p>It listens on an ephemeral port of the loopback address and forwards each accepted connection to the target
 * over a new connection of its own, with two threads per connection. Faults apply at once to every open and new
 * connection:
 * <ul>
 * <li>{@link #cutConnections()} resets the open connections (clients see a reset) and keeps accepting new ones;</li>
 * <li>{@link #refuseConnections()} also resets every new connection, like a stopped server;</li>
 * <li>{@link #blackhole()} keeps connections open but forwards nothing in either direction, like a partitioned
 * network: requests get no answer. Data that arrives meanwhile is held, in order, and flows on
 * {@link #restore()}, as a healed TCP connection would deliver it;</li>
 * <li>{@link #setLatency(Duration)} delays each chunk of data in each direction.</li>
 * </ul>
 * {@link #close()} closes the listening socket and every connection and ends all threads. Thread-safe.
 */
public final class TcpFaultProxy implements AutoCloseable {

	private enum Mode {

		FORWARD, BLACKHOLE, REFUSE

	}

	private static final int CONNECT_TIMEOUT_MILLIS = 5000;

	private static final AtomicInteger INSTANCES = new AtomicInteger();

	private final String targetHost;

	private final int targetPort;

	private final ServerSocket serverSocket;

	private final Thread acceptor;

	private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

	private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

	/** Guards waiting on and changing {@link #mode}; pump threads wait on it while blackholed. */
	private final Object lock = new Object();

	private volatile Mode mode = Mode.FORWARD;

	private volatile long latencyNanos;

	private volatile boolean closed;

	private final AtomicInteger accepted = new AtomicInteger();

	private final String name;

	private TcpFaultProxy(String targetHost, int targetPort) throws IOException {
		this.targetHost = Objects.requireNonNull(targetHost, "targetHost");
		this.targetPort = targetPort;
		this.name = "tcp-fault-proxy-" + INSTANCES.incrementAndGet();
		this.serverSocket = new ServerSocket();
		this.serverSocket.setReuseAddress(true);
		this.serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		this.acceptor = new Thread(this::acceptLoop, this.name + "-accept");
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/**
	 * Starts a proxy on an ephemeral loopback port that forwards to {@code targetHost:targetPort}.
	 * @param targetHost the server's host
	 * @param targetPort the server's port
	 * @return the running proxy, forwarding normally
	 * @throws UncheckedIOException if the listening socket cannot be opened
	 */
	public static TcpFaultProxy start(String targetHost, int targetPort) {
		try {
			return new TcpFaultProxy(targetHost, targetPort);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start a TCP proxy to " + targetHost + ":" + targetPort, ex);
		}
	}

	/**
	 * The host clients connect to: the loopback address.
	 * @return the proxy's host
	 */
	public String getHost() {
		return InetAddress.getLoopbackAddress().getHostAddress();
	}

	/**
	 * The port clients connect to.
	 * @return the proxy's ephemeral port
	 */
	public int getPort() {
		return this.serverSocket.getLocalPort();
	}

	/**
	 * How many client connections are open through the proxy now.
	 * @return the number of open connections
	 */
	public int getOpenConnectionCount() {
		return this.connections.size();
	}

	/**
	 * How many client connections the proxy has accepted since it started, refused ones included.
	 * @return the number of accepted connections
	 */
	public int getAcceptedConnectionCount() {
		return this.accepted.get();
	}

	/**
	 * Resets every open connection; new connections are still accepted and forwarded (unless refused or
	 * blackholed).
	 */
	public void cutConnections() {
		for (Connection connection : this.connections) {
			connection.close();
		}
	}

	/**
	 * Resets every open connection and every new one until {@link #restore()}, like a stopped server.
	 */
	public void refuseConnections() {
		setMode(Mode.REFUSE);
		cutConnections();
	}

	/**
	 * Forwards nothing in either direction until {@link #restore()}; connections stay open and new ones are
	 * accepted, so clients wait for answers that do not come.
	 */
	public void blackhole() {
		setMode(Mode.BLACKHOLE);
	}

	/**
	 * Delays each chunk of data, in each direction, by {@code latency}; {@link Duration#ZERO} removes it.
	 * @param latency the added delay; not negative
	 */
	public void setLatency(Duration latency) {
		Objects.requireNonNull(latency, "latency");
		if (latency.isNegative()) {
			throw new IllegalArgumentException("latency must not be negative: " + latency);
		}
		this.latencyNanos = latency.toNanos();
	}

	/**
	 * Forwards normally again, without latency; data held by a blackhole flows on.
	 */
	public void restore() {
		this.latencyNanos = 0;
		setMode(Mode.FORWARD);
	}

	/**
	 * Closes the listening socket and all connections and waits (briefly) for all threads to end. Idempotent.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		setMode(Mode.REFUSE);
		closeQuietly(this.serverSocket);
		cutConnections();
		List<Thread> toJoin = new ArrayList<>(this.threads);
		toJoin.add(this.acceptor);
		for (Thread thread : toJoin) {
			thread.interrupt();
			try {
				thread.join(TimeUnit.SECONDS.toMillis(5));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	@Override
	public String toString() {
		return "TcpFaultProxy{" + getHost() + ":" + getPort() + " -> " + this.targetHost + ":" + this.targetPort
				+ ", mode=" + this.mode + "}";
	}

	private void setMode(Mode next) {
		synchronized (this.lock) {
			this.mode = next;
			this.lock.notifyAll();
		}
	}

	private void acceptLoop() {
		while (!this.closed) {
			Socket client;
			try {
				client = this.serverSocket.accept();
			}
			catch (IOException ex) {
				return;
			}
			this.accepted.incrementAndGet();
			if (this.mode == Mode.REFUSE || this.closed) {
				reset(client);
				continue;
			}
			startThread(() -> connect(client), "connect");
		}
	}

	private void connect(Socket client) {
		Socket server = new Socket();
		try {
			server.connect(new InetSocketAddress(this.targetHost, this.targetPort), CONNECT_TIMEOUT_MILLIS);
			server.setTcpNoDelay(true);
			client.setTcpNoDelay(true);
		}
		catch (IOException ex) {
			reset(client);
			closeQuietly(server);
			return;
		}
		Connection connection = new Connection(client, server);
		this.connections.add(connection);
		if (this.mode == Mode.REFUSE || this.closed) {
			connection.close();
			return;
		}
		startThread(() -> pump(connection, client, server), "up");
		startThread(() -> pump(connection, server, client), "down");
	}

	private void startThread(Runnable task, String role) {
		Thread thread = new Thread(() -> {
			try {
				task.run();
			}
			finally {
				this.threads.remove(Thread.currentThread());
			}
		}, this.name + "-" + role);
		thread.setDaemon(true);
		this.threads.add(thread);
		thread.start();
	}

	private void pump(Connection connection, Socket from, Socket to) {
		byte[] buffer = new byte[16 * 1024];
		try {
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
			while (true) {
				int read = in.read(buffer);
				if (read < 0) {
					break;
				}
				if (!awaitForwarding(connection)) {
					break;
				}
				long latency = this.latencyNanos;
				if (latency > 0) {
					// Latency is the fault being simulated, not a synchronisation device.
					TimeUnit.NANOSECONDS.sleep(latency);
				}
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException | InterruptedException ex) {
			// A cut connection, a closed proxy or a peer that went away: the connection ends.
		}
		connection.close();
	}

	/** Blocks while blackholed; answers whether the data may be forwarded (false once the connection is closed). */
	private boolean awaitForwarding(Connection connection) throws InterruptedException {
		synchronized (this.lock) {
			while (this.mode == Mode.BLACKHOLE && !connection.isClosed() && !this.closed) {
				this.lock.wait(100);
			}
			return this.mode != Mode.REFUSE && !connection.isClosed() && !this.closed;
		}
	}

	private static void reset(Socket socket) {
		try {
			socket.setSoLinger(true, 0);
		}
		catch (SocketException ex) {
			// Closing below is all that matters.
		}
		closeQuietly(socket);
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// Best effort: the socket is going away anyway.
		}
	}

	/** One client connection and the proxy's connection to the server. */
	private final class Connection {

		private final Socket client;

		private final Socket server;

		private volatile boolean closed;

		Connection(Socket client, Socket server) {
			this.client = client;
			this.server = server;
		}

		boolean isClosed() {
			return this.closed;
		}

		void close() {
			this.closed = true;
			reset(this.client);
			reset(this.server);
			TcpFaultProxy.this.connections.remove(this);
			synchronized (TcpFaultProxy.this.lock) {
				TcpFaultProxy.this.lock.notifyAll();
			}
		}

	}

}
