package dev.flagstore.source;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jspecify.annotations.Nullable;

import static org.awaitility.Awaitility.await;

/**
 * A real HTTP server (the JDK's) on 127.0.0.1 that serves the data set the test sets, or fails as the test says:
 * error statuses, garbage, a half body, a hang. It records each request, and can be stopped (connection refused)
 * and restarted on the same port.
 */
final class FlagServer implements AutoCloseable {

	/** How the server answers. */
	@FunctionalInterface
	interface Responder {

		void respond(HttpExchange exchange) throws IOException, InterruptedException;

	}

	/** A request the server received. */
	record Request(Headers headers) {

		@Nullable String ifNoneMatch() {
			return this.headers.getFirst("If-None-Match");
		}

		@Nullable String header(String name) {
			return this.headers.getFirst(name);
		}

	}

	final List<Request> requests = new CopyOnWriteArrayList<>();

	private final ExecutorService executor = Executors.newCachedThreadPool(task -> {
		Thread thread = new Thread(task, "test-flag-server");
		thread.setDaemon(true);
		return thread;
	});

	private final int port;

	private volatile HttpServer server;

	private volatile Responder responder = exchange -> send(exchange, 500, "not configured", Map.of());

	/** Released when the server stops or a test calls {@link #release()}: hung handlers end. */
	private volatile CountDownLatch hangs = new CountDownLatch(1);

	private FlagServer(HttpServer server) {
		this.server = server;
		this.port = server.getAddress().getPort();
	}

	static FlagServer start() throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		FlagServer flags = new FlagServer(server);
		flags.listen(server);
		return flags;
	}

	private void listen(HttpServer httpServer) {
		httpServer.createContext("/", exchange -> {
			this.requests.add(new Request(exchange.getRequestHeaders()));
			try {
				this.responder.respond(exchange);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				exchange.close();
			}
		});
		httpServer.setExecutor(this.executor);
		httpServer.start();
	}

	URI uri() {
		return URI.create("http://127.0.0.1:" + this.port + "/flags");
	}

	int port() {
		return this.port;
	}

	/** Serves {@code body} with {@code etag} (if not null); a request whose If-None-Match matches gets 304. */
	void serve(String body, @Nullable String etag) {
		this.responder = exchange -> {
			if (etag != null && etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
				exchange.getResponseHeaders().add("ETag", etag);
				exchange.sendResponseHeaders(304, -1);
				return;
			}
			send(exchange, 200, body, (etag != null) ? Map.of("ETag", etag) : Map.of());
		};
	}

	/** Answers every request with {@code status} and the given headers. */
	void status(int status, Map<String, String> headers) {
		this.responder = exchange -> send(exchange, status, "error " + status, headers);
	}

	/** Sends headers announcing {@code body}, half of it, then closes the connection. */
	void halfBody(String body) {
		this.responder = exchange -> {
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, bytes.length);
			OutputStream out = exchange.getResponseBody();
			out.write(bytes, 0, bytes.length / 2);
			out.flush();
			// Closing short of Content-Length throws "insufficient bytes written to stream"; the exception, out
			// of the handler, makes the JDK server drop the connection.
			out.close();
		};
	}

	/** Sends headers and half the body, then stalls until released. */
	void stallBody(String body) {
		CountDownLatch release = this.hangs;
		this.responder = exchange -> {
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, bytes.length);
			OutputStream out = exchange.getResponseBody();
			out.write(bytes, 0, bytes.length / 2);
			out.flush();
			release.await(60, TimeUnit.SECONDS);
		};
	}

	/** Never answers (until released or stopped). */
	void hang() {
		CountDownLatch release = this.hangs;
		this.responder = exchange -> release.await(60, TimeUnit.SECONDS);
	}

	/** Answers as {@code responder} says. */
	void respond(Responder responder) {
		this.responder = responder;
	}

	/** Ends the hung handlers. */
	void release() {
		this.hangs.countDown();
		this.hangs = new CountDownLatch(1);
	}

	/** Waits until the server has received {@code count} requests in all. */
	void awaitRequests(int count) {
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
			.until(() -> this.requests.size() >= count);
	}

	Request lastRequest() {
		return this.requests.get(this.requests.size() - 1);
	}

	/** Stops listening: connections are refused until {@link #restart()}. */
	void stop() {
		release();
		this.server.stop(0);
	}

	/** Listens again, on the same port. */
	void restart() throws IOException {
		HttpServer fresh = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 0);
		listen(fresh);
		this.server = fresh;
	}

	@Override
	public void close() {
		stop();
		this.executor.shutdownNow();
	}

	static void send(HttpExchange exchange, int status, String body, Map<String, String> headers)
			throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		headers.forEach(exchange.getResponseHeaders()::add);
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, (bytes.length == 0) ? -1 : bytes.length);
		if (bytes.length > 0) {
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bytes);
			}
		}
	}

}
