package dev.flagstore.source;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link FlagSource} that polls an HTTP(S) URL for the full data set, in the shape
 * {@code {"<kind>": {"<key>": <item>, ...}, ...}}, and writes it to the store with
 * {@link FlagSourceUpdateSink#init} whenever it changed.
 *
 * <p>It sends {@code If-None-Match} with the last applied {@code ETag} (a {@code 304} changes nothing), and skips
 * a body identical to the last applied one. Failures are reported on the sink: {@code NETWORK_ERROR} (refused,
 * reset, timed out), {@code ERROR_RESPONSE} with the status code ({@code 401}, {@code 403}, {@code 404} are
 * final: {@link FlagSourceState#OFF}; others are {@link FlagSourceState#INTERRUPTED}), {@code INVALID_DATA}
 * (the last good data stays). After a failure the next attempt waits an exponential back-off with jitter, or the
 * server's {@code Retry-After} on {@code 429} and {@code 503}, bounded; a success restores the poll interval.
 *
 * <p>Secrets: the values of headers whose names look secret ({@code Authorization}, {@code *token*},
 * {@code *key*}, {@code Cookie}, ...) and the user-info and query of the URL never appear in logs,
 * {@link #toString()}, or status messages. Redirects are not followed, so headers never go to another host.
 *
 * <p>Threads: one daemon thread named {@code flagstore-http-source-<n>} (unless a scheduler is given) and a
 * small, idle-timed pool for the HTTP client; all of them end on {@link #close()}. Thread-safe.
 */
public final class HttpFlagSource implements FlagSource {

	/** Default of {@link Builder#pollInterval}. */
	public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(30);

	/** Default of {@link Builder#requestTimeout}. */
	public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

	/** Default of {@link Builder#connectTimeout}, and its upper bound unless set. */
	public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

	/** Default of {@link Builder#initialRetryDelay}. */
	public static final Duration DEFAULT_INITIAL_RETRY_DELAY = Duration.ofSeconds(1);

	/** The smallest default of {@link Builder#maxRetryDelay}: it is {@code max(pollInterval, 30s)}. */
	static final Duration MIN_DEFAULT_MAX_RETRY_DELAY = Duration.ofSeconds(30);

	/** How long {@link #close()} waits for a poll already writing to the sink. */
	static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

	private static final Logger logger = LoggerFactory.getLogger(HttpFlagSource.class);

	private static final AtomicInteger instances = new AtomicInteger();

	/** {@code HttpClient.shutdownNow()} on Java 21 and later (the baseline, 17, has no way to stop a client). */
	private static final @Nullable Method SHUTDOWN_NOW = findShutdownNow();

	private final URI url;

	private final DataSetParser parser;

	private final Duration pollInterval;

	private final Duration requestTimeout;

	private final Duration connectTimeout;

	private final Duration initialRetryDelay;

	private final Duration maxRetryDelay;

	private final List<String[]> headers;

	private final Secrets secrets;

	private final Clock clock;

	private final DoubleSupplier jitter;

	private final @Nullable ScheduledExecutorService givenScheduler;

	private final String threadName;

	private final Object lock = new Object();

	/** The threads this source made that are still running. */
	private final Set<Thread> threadsMade = ConcurrentHashMap.newKeySet();

	/** Guarded by {@code lock}. */
	private Phase phase = Phase.NEW;

	/** Written under {@code lock}; read without it by the polling task. */
	private volatile boolean closed;

	/** The next poll, when one is scheduled. Guarded by {@code lock}. */
	private @Nullable ScheduledFuture<?> next;

	/** Whether a poll is running. Guarded by {@code lock}; {@code close()} waits on {@code lock} for it. */
	private boolean polling;

	/** Whether the last poll failed (the next one waits a back-off). Guarded by {@code lock}. */
	private boolean backingOff;

	/** Set once by {@code start} under {@code lock}. */
	private @Nullable FlagSourceUpdateSink sink;

	/** Set by {@code start}, cleared by {@code close}, under {@code lock}. */
	private @Nullable ScheduledExecutorService scheduler;

	/** Set by {@code start}, cleared by {@code close}, under {@code lock}. */
	private @Nullable HttpClient client;

	/** The client's executor (ours). Set by {@code start}, cleared by {@code close}, under {@code lock}. */
	private @Nullable ExecutorService clientExecutor;

	/** The thread running a poll, so that {@code close()} called from it does not wait for itself. */
	private volatile @Nullable Thread pollThread;

	/** The request in flight, so that {@code close()} can cancel it. */
	private volatile @Nullable CompletableFuture<?> inFlight;

	/** How many times {@link #resync()} was called. */
	private final AtomicLong resyncsAsked = new AtomicLong();

	// The fields below belong to the polling task: one runs at a time, and each is scheduled by the previous one
	// (under the lock), which orders their accesses.

	/** The {@code ETag} of the last applied data set, or {@code null}. */
	private @Nullable String etag;

	/** The SHA-256 of the last applied body, or {@code null} before the first. */
	private byte @Nullable [] lastHash;

	/** The value of {@code resyncsAsked} that the last applied data set answered. */
	private long resyncsServed;

	/** Failed attempts in a row. */
	private int failures;

	/** The state this source last reported, or {@code null} before the first report. */
	private @Nullable FlagSourceState reported;

	private HttpFlagSource(Builder builder) {
		this.url = builder.url;
		this.parser = new DataSetParser(builder.kinds);
		this.pollInterval = builder.pollInterval;
		this.requestTimeout = builder.requestTimeout;
		this.connectTimeout = (builder.connectTimeout != null) ? builder.connectTimeout
				: min(DEFAULT_CONNECT_TIMEOUT, builder.requestTimeout);
		this.initialRetryDelay = builder.initialRetryDelay;
		this.maxRetryDelay = (builder.maxRetryDelay != null) ? builder.maxRetryDelay
				: max(builder.pollInterval, MIN_DEFAULT_MAX_RETRY_DELAY);
		this.headers = List.copyOf(builder.headers);
		this.secrets = Secrets.of(builder.url, this.headers);
		this.clock = builder.clock;
		this.jitter = builder.jitter;
		this.givenScheduler = builder.scheduler;
		this.threadName = "flagstore-http-source-" + instances.incrementAndGet();
	}

	/**
	 * A builder of a source that polls {@code url} for items of {@code kinds}.
	 * @param url the URL of the full data set, {@code http} or {@code https}
	 * @param kinds the kinds the data set may hold (a kind the document names that is not here is invalid data)
	 * @return the builder
	 * @throws NullPointerException if an argument or a kind is {@code null}
	 * @throws IllegalArgumentException if the URL is not an absolute {@code http}/{@code https} URL with a host,
	 * or {@code kinds} is empty or has two kinds of one name
	 */
	public static Builder builder(URI url, Collection<DataKind> kinds) {
		return new Builder(url, kinds);
	}

	@Override
	public void start(FlagSourceUpdateSink sink) {
		Objects.requireNonNull(sink, "sink");
		synchronized (this.lock) {
			if (this.phase != Phase.NEW) {
				throw new IllegalStateException(this.phase == Phase.CLOSED ? "HttpFlagSource is closed"
						: "HttpFlagSource is already started");
			}
			this.sink = sink;
			ThreadFactory clientThreads = threads(this.threadName + "-client", true);
			// Bounded (two threads) and idle-timed: between polls no client thread is kept alive.
			ThreadPoolExecutor clientPool = new ThreadPoolExecutor(2, 2, 10, TimeUnit.SECONDS,
					new LinkedBlockingQueue<>(), clientThreads);
			clientPool.allowCoreThreadTimeOut(true);
			this.clientExecutor = clientPool;
			this.client = HttpClient.newBuilder()
				.connectTimeout(this.connectTimeout)
				.followRedirects(HttpClient.Redirect.NEVER)
				.executor(clientPool)
				.build();
			if (this.givenScheduler != null) {
				this.scheduler = this.givenScheduler;
			}
			else {
				ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1, threads(this.threadName, false));
				own.setRemoveOnCancelPolicy(true);
				this.scheduler = own;
			}
			this.phase = Phase.STARTED;
			scheduleLocked(Duration.ZERO);
		}
		logger.debug("HTTP flag source polling {} every {}", this.secrets.url(), this.pollInterval);
	}

	/**
	 * Fetches the data set again soon, without {@code If-None-Match}, and writes it with
	 * {@link FlagSourceUpdateSink#init} even if it did not change. Returns at once; calls made before that fetch
	 * starts are served by it. While the source is backing off after a failure, the fetch keeps the back-off's
	 * time (a failing server is not asked sooner), and the next successful one writes the data.
	 */
	@Override
	public void resync() {
		this.resyncsAsked.incrementAndGet();
		synchronized (this.lock) {
			ScheduledFuture<?> scheduled = this.next;
			if (this.phase != Phase.STARTED || this.polling || this.backingOff || scheduled == null) {
				// A running poll reschedules at once when it sees the new request; a failing one keeps its back-off.
				return;
			}
			if (scheduled.getDelay(TimeUnit.NANOSECONDS) <= 0) {
				return;
			}
			if (scheduled.cancel(false)) {
				scheduleLocked(Duration.ZERO);
			}
		}
	}

	/**
	 * Stops polling, cancels a request in flight, ends the source's threads and reports
	 * {@link FlagSourceState#OFF}. Waits at most about {@link #CLOSE_WAIT} for a poll that is writing to the
	 * sink; never for the server. Idempotent; after it returns the source calls the sink no more.
	 */
	@Override
	public void close() {
		ScheduledExecutorService ownScheduler;
		ExecutorService clientPool;
		HttpClient httpClient;
		FlagSourceUpdateSink target;
		synchronized (this.lock) {
			if (this.phase == Phase.CLOSED) {
				return;
			}
			boolean started = this.phase == Phase.STARTED;
			this.phase = Phase.CLOSED;
			this.closed = true;
			if (this.next != null) {
				this.next.cancel(false);
				this.next = null;
			}
			ownScheduler = (this.scheduler != this.givenScheduler) ? this.scheduler : null;
			clientPool = this.clientExecutor;
			httpClient = this.client;
			target = started ? this.sink : null;
			this.scheduler = null;
			this.clientExecutor = null;
			this.client = null;
		}
		CompletableFuture<?> request = this.inFlight;
		if (request != null) {
			request.cancel(true);
		}
		boolean interrupted = false;
		boolean onPollThread = Thread.currentThread() == this.pollThread;
		long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
		try {
			if (ownScheduler != null) {
				ownScheduler.shutdownNow();
			}
			if (clientPool != null) {
				clientPool.shutdownNow();
			}
			if (httpClient != null) {
				shutdownNow(httpClient);
			}
			if (!onPollThread) {
				interrupted = (ownScheduler != null) ? !awaitTermination(ownScheduler, deadline)
						: !awaitPollEnd(deadline);
			}
			if (clientPool != null && !interrupted) {
				interrupted = !awaitTermination(clientPool, deadline);
			}
			if (!interrupted) {
				// Terminated executors may still have threads on their way out: after close(), none is alive.
				interrupted = !joinThreads(deadline);
			}
		}
		finally {
			if (target != null) {
				try {
					target.updateStatus(FlagSourceState.OFF, null);
				}
				catch (RuntimeException ex) {
					logger.warn("HTTP flag source {}: the sink failed to take the OFF status: {}", this.secrets.url(),
							describe(ex));
				}
			}
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/** Waits until {@code deadline} ({@link System#nanoTime()}) at most. Returns {@code false} if interrupted. */
	private static boolean awaitTermination(ExecutorService executor, long deadline) {
		try {
			executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			return true;
		}
		catch (InterruptedException ex) {
			return false;
		}
	}

	/** Waits for a poll running on a scheduler that is not ours. Returns {@code false} if interrupted. */
	private boolean awaitPollEnd(long deadline) {
		synchronized (this.lock) {
			while (this.polling) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return true;
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.lock, left);
				}
				catch (InterruptedException ex) {
					return false;
				}
			}
		}
		return true;
	}

	/** After a final error: no more polls, so the threads end now rather than at close(). */
	private void releaseLocked() {
		if (this.scheduler != null && this.scheduler != this.givenScheduler) {
			// This runs on the scheduler's thread: shutdown() lets the thread end once this task returns.
			this.scheduler.shutdown();
		}
		this.scheduler = null;
		if (this.clientExecutor != null) {
			this.clientExecutor.shutdown();
			this.clientExecutor = null;
		}
		if (this.client != null) {
			shutdownNow(this.client);
			this.client = null;
		}
	}

	private void scheduleLocked(Duration delay) {
		ScheduledExecutorService executor = this.scheduler;
		if (executor == null) {
			return;
		}
		try {
			this.next = executor.schedule(this::poll, delay.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// The scheduler was shut down by its owner: nothing more can run.
			this.next = null;
			logger.debug("HTTP flag source {}: scheduler refused the next poll; polling stops", this.secrets.url());
		}
	}

	/** One poll: the polling task. */
	private void poll() {
		long asked;
		synchronized (this.lock) {
			if (this.phase != Phase.STARTED) {
				return;
			}
			this.polling = true;
			this.next = null;
			asked = this.resyncsAsked.get();
		}
		this.pollThread = Thread.currentThread();
		Outcome outcome = Outcome.STOPPED;
		try {
			outcome = pollOnce(asked);
		}
		catch (RuntimeException ex) {
			// A bug, or a sink that broke its promise not to throw: report it, keep polling.
			outcome = fail(FlagSourceErrorKind.UNKNOWN, 0, "unexpected failure: " + describe(ex), null);
		}
		finally {
			// An Error leaves outcome STOPPED: polling ends, close() still cleans up.
			this.pollThread = null;
			finishPoll(outcome, asked);
		}
	}

	private void finishPoll(Outcome outcome, long asked) {
		synchronized (this.lock) {
			this.polling = false;
			this.lock.notifyAll();
			if (this.phase != Phase.STARTED) {
				return;
			}
			switch (outcome.kind) {
				case SUCCESS -> {
					this.backingOff = false;
					// A resync asked while this poll ran is served by another poll, now.
					scheduleLocked((this.resyncsAsked.get() > asked) ? Duration.ZERO : this.pollInterval);
				}
				case FAILURE -> {
					this.backingOff = true;
					scheduleLocked(RetryDelay.next(this.failures, this.initialRetryDelay, this.maxRetryDelay,
							this.jitter.getAsDouble(), outcome.retryAfter));
				}
				case OFF -> releaseLocked();
				case STOPPED -> {
					// Closed, or the scheduler refused: close() ends the threads.
				}
			}
		}
	}

	private Outcome pollOnce(long asked) {
		boolean resync = asked > this.resyncsServed;
		HttpClient httpClient;
		synchronized (this.lock) {
			httpClient = this.client;
		}
		if (httpClient == null) {
			return Outcome.STOPPED;
		}
		HttpRequest request = request(resync ? null : this.etag);
		CompletableFuture<HttpResponse<byte[]>> response = httpClient.sendAsync(request,
				info -> (info.statusCode() / 100 == 2) ? BodySubscribers.ofByteArray()
						: BodySubscribers.replacing(new byte[0]));
		this.inFlight = response;
		try {
			// close() reads inFlight after setting closed; reading closed after setting inFlight means one of
			// the two always cancels the request.
			if (this.closed) {
				response.cancel(true);
				return Outcome.STOPPED;
			}
			// The client's timeout ends at the response headers; this deadline also bounds a body that stalls.
			HttpResponse<byte[]> answer = response.get(this.requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
			return handle(answer, resync, asked);
		}
		catch (InterruptedException ex) {
			// Our scheduler is being shut down (close), or the scheduler's owner interrupts its thread.
			response.cancel(true);
			Thread.currentThread().interrupt();
			return Outcome.STOPPED;
		}
		catch (CancellationException ex) {
			return Outcome.STOPPED;
		}
		catch (TimeoutException ex) {
			response.cancel(true);
			return fail(FlagSourceErrorKind.NETWORK_ERROR, 0,
					"GET " + this.secrets.url() + " timed out: no complete response within " + this.requestTimeout, null);
		}
		catch (ExecutionException ex) {
			if (this.closed) {
				return Outcome.STOPPED;
			}
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			FlagSourceErrorKind kind = (cause instanceof IOException) ? FlagSourceErrorKind.NETWORK_ERROR
					: FlagSourceErrorKind.UNKNOWN;
			return fail(kind, 0, "GET " + this.secrets.url() + " failed: " + describe(cause), null);
		}
		finally {
			this.inFlight = null;
		}
	}

	private HttpRequest request(@Nullable String ifNoneMatch) {
		HttpRequest.Builder request = HttpRequest.newBuilder(this.url).GET().timeout(this.requestTimeout);
		boolean accept = false;
		for (String[] header : this.headers) {
			request.header(header[0], header[1]);
			accept |= header[0].equalsIgnoreCase("Accept");
		}
		if (!accept) {
			request.header("Accept", "application/json");
		}
		if (ifNoneMatch != null) {
			request.header("If-None-Match", ifNoneMatch);
		}
		return request.build();
	}

	private Outcome handle(HttpResponse<byte[]> response, boolean resync, long asked) {
		int status = response.statusCode();
		if (status == 304) {
			if (this.lastHash == null) {
				return fail(FlagSourceErrorKind.ERROR_RESPONSE, status,
						"GET " + this.secrets.url() + " answered 304 Not Modified before any data was received", null);
			}
			return succeeded(false);
		}
		if (status / 100 == 2) {
			byte[] body = response.body();
			byte[] hash = sha256(body);
			String newEtag = response.headers().firstValue("ETag").orElse(null);
			if (!resync && Arrays.equals(hash, this.lastHash)) {
				this.etag = newEtag;
				return succeeded(false);
			}
			FullDataSet<ItemDescriptor> data;
			try {
				data = this.parser.parse(body);
			}
			catch (DataSetParser.InvalidDataException ex) {
				return fail(FlagSourceErrorKind.INVALID_DATA, 0,
						"invalid data from " + this.secrets.url() + ": " + ex.getMessage(), null);
			}
			FlagSourceUpdateSink target = this.sink;
			if (this.closed || target == null) {
				return Outcome.STOPPED;
			}
			target.init(data);
			this.lastHash = hash;
			this.etag = newEtag;
			this.resyncsServed = Math.max(this.resyncsServed, asked);
			return succeeded(true);
		}
		String message = "GET " + this.secrets.url() + " answered HTTP " + status;
		if (status == 401 || status == 403 || status == 404) {
			FlagSourceErrorInfo error = new FlagSourceErrorInfo(FlagSourceErrorKind.ERROR_RESPONSE, status,
					message + "; this is permanent, the source stops", this.clock.instant());
			logger.error("HTTP flag source stopped for good: {}: fix the URL or its credentials and restart",
					message);
			report(FlagSourceState.OFF, error);
			return Outcome.OFF;
		}
		Duration retryAfter = (status == 429 || status == 503)
				? RetryDelay.parseRetryAfter(response.headers().firstValue("Retry-After").orElse(null),
						this.clock.instant())
				: null;
		return fail(FlagSourceErrorKind.ERROR_RESPONSE, status, message, retryAfter);
	}

	private Outcome succeeded(boolean initialized) {
		int failed = this.failures;
		this.failures = 0;
		if (failed > 0) {
			logger.info("HTTP flag source {} works again after {} failed attempt(s)", this.secrets.url(), failed);
		}
		if (initialized || this.reported != FlagSourceState.VALID) {
			report(FlagSourceState.VALID, null);
		}
		return Outcome.SUCCESS;
	}

	private Outcome fail(FlagSourceErrorKind kind, int statusCode, String message, @Nullable Duration retryAfter) {
		if (this.closed) {
			return Outcome.STOPPED;
		}
		this.failures = (this.failures == Integer.MAX_VALUE) ? this.failures : this.failures + 1;
		String safe = Objects.requireNonNull(this.secrets.scrub(message));
		if (this.failures == 1) {
			// One warning per outage; the following attempts are on the status and at DEBUG.
			logger.warn("HTTP flag source failing ({}): {}; retrying with back-off", kind, safe);
		}
		else {
			logger.debug("HTTP flag source still failing, attempt {} ({}): {}", this.failures, kind, safe);
		}
		report(FlagSourceState.INTERRUPTED, new FlagSourceErrorInfo(kind, statusCode, safe, this.clock.instant()));
		return Outcome.failure(retryAfter);
	}

	private void report(FlagSourceState state, @Nullable FlagSourceErrorInfo error) {
		FlagSourceUpdateSink target = this.sink;
		if (this.closed || target == null) {
			return;
		}
		this.reported = state;
		try {
			target.updateStatus(state, error);
		}
		catch (RuntimeException ex) {
			logger.warn("HTTP flag source {}: the sink failed to take the status {}: {}", this.secrets.url(), state,
					describe(ex));
		}
	}

	/** The class and message of an exception and of its root cause, without secrets. */
	private String describe(Throwable error) {
		StringBuilder text = new StringBuilder(error.getClass().getSimpleName());
		if (error.getMessage() != null) {
			text.append(": ").append(error.getMessage());
		}
		Throwable root = error;
		for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 10; depth++) {
			root = root.getCause();
		}
		if (root != error) {
			text.append(" (caused by ").append(root.getClass().getSimpleName());
			if (root.getMessage() != null) {
				text.append(": ").append(root.getMessage());
			}
			text.append(')');
		}
		return Objects.requireNonNull(this.secrets.scrub(text.toString()));
	}

	private static byte[] sha256(byte[] body) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(body);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java platform has SHA-256", ex);
		}
	}

	/**
	 * Daemon threads named {@code name}, or {@code name-<n>} if {@code numbered}, kept in {@code threadsMade} while
	 * they run so that {@code close()} can join them.
	 */
	private ThreadFactory threads(String name, boolean numbered) {
		AtomicInteger count = new AtomicInteger();
		return task -> {
			Thread thread = new Thread(() -> {
				try {
					task.run();
				}
				finally {
					this.threadsMade.remove(Thread.currentThread());
				}
			}, numbered ? name + "-" + count.incrementAndGet() : name);
			thread.setDaemon(true);
			this.threadsMade.add(thread);
			return thread;
		};
	}

	/** Joins the source's threads (not the caller), until {@code deadline}. Returns {@code false} if interrupted. */
	private boolean joinThreads(long deadline) {
		for (Thread thread : this.threadsMade) {
			if (thread == Thread.currentThread()) {
				continue;
			}
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				return true;
			}
			try {
				TimeUnit.NANOSECONDS.timedJoin(thread, left);
			}
			catch (InterruptedException ex) {
				return false;
			}
		}
		return true;
	}

	private static @Nullable Method findShutdownNow() {
		try {
			return HttpClient.class.getMethod("shutdownNow");
		}
		catch (NoSuchMethodException ex) {
			return null;
		}
	}

	/** Stops the client's own selector thread where the JDK can (21+); on 17 it ends once the client is unreachable. */
	private static void shutdownNow(HttpClient client) {
		if (SHUTDOWN_NOW != null) {
			try {
				SHUTDOWN_NOW.invoke(client);
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				logger.debug("HttpClient.shutdownNow() failed: {}", ex.toString());
			}
		}
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

	/** The thread names of this source: the poller, and (with a suffix) the HTTP client's. */
	String threadName() {
		return this.threadName;
	}

	/** The back-off ceiling after many failures. */
	Duration maxRetryDelay() {
		return this.maxRetryDelay;
	}

	/**
	 * Describes the source: its URL without user-info or query, its intervals and timeouts, and the names of its
	 * headers (never their values).
	 * @return the description
	 */
	@Override
	public java.util.Map<String, Object> describeConfiguration() {
		java.util.Map<String, Object> description = new java.util.LinkedHashMap<>();
		description.put("type", "http");
		description.put("url", this.secrets.url());
		description.put("pollInterval", this.pollInterval.toString());
		description.put("requestTimeout", this.requestTimeout.toString());
		description.put("connectTimeout", this.connectTimeout.toString());
		description.put("headers", this.headers.stream().map(header -> header[0]).toList());
		return description;
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder("HttpFlagSource{url=").append(this.secrets.url())
			.append(", pollInterval=")
			.append(this.pollInterval)
			.append(", requestTimeout=")
			.append(this.requestTimeout)
			.append(", headers=[");
		for (int i = 0; i < this.headers.size(); i++) {
			String[] header = this.headers.get(i);
			text.append((i > 0) ? ", " : "")
				.append(header[0])
				.append('=')
				.append(Secrets.isSecretHeader(header[0]) ? Secrets.REDACTED : header[1]);
		}
		return text.append("]}").toString();
	}

	private enum Phase {

		NEW, STARTED, CLOSED

	}

	/** What one poll came to, and what the next one waits for. */
	private record Outcome(Kind kind, @Nullable Duration retryAfter) {

		static final Outcome SUCCESS = new Outcome(Kind.SUCCESS, null);

		static final Outcome OFF = new Outcome(Kind.OFF, null);

		static final Outcome STOPPED = new Outcome(Kind.STOPPED, null);

		static Outcome failure(@Nullable Duration retryAfter) {
			return new Outcome(Kind.FAILURE, retryAfter);
		}

		enum Kind {

			SUCCESS, FAILURE, OFF, STOPPED

		}

	}

	/**
	 * Configures an {@link HttpFlagSource}. Validates each value when it is set; not thread-safe.
	 */
	public static final class Builder {

		private final URI url;

		private final List<DataKind> kinds;

		private Duration pollInterval = DEFAULT_POLL_INTERVAL;

		private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;

		private @Nullable Duration connectTimeout;

		private Duration initialRetryDelay = DEFAULT_INITIAL_RETRY_DELAY;

		private @Nullable Duration maxRetryDelay;

		private final List<String[]> headers = new ArrayList<>();

		private Clock clock = Clock.systemUTC();

		private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();

		private @Nullable ScheduledExecutorService scheduler;

		private Builder(URI url, Collection<DataKind> kinds) {
			Objects.requireNonNull(url, "url");
			Objects.requireNonNull(kinds, "kinds");
			String scheme = (url.getScheme() != null) ? url.getScheme().toLowerCase(Locale.ROOT) : "";
			if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
				throw new IllegalArgumentException(
						"url must be an absolute http or https URL with a host: " + Secrets.safeUrl(url));
			}
			this.url = url;
			this.kinds = List.copyOf(kinds);
			if (this.kinds.isEmpty()) {
				throw new IllegalArgumentException("kinds must not be empty: name the kinds the data set holds");
			}
			new DataSetParser(this.kinds);
		}

		/**
		 * How often the data set is fetched while all goes well. Default 30 seconds.
		 * @param pollInterval a positive duration
		 * @return this builder
		 */
		public Builder pollInterval(Duration pollInterval) {
			this.pollInterval = positive(pollInterval, "pollInterval");
			return this;
		}

		/**
		 * How long one request may take, from sending it to the last byte of the body; past it the attempt is a
		 * {@code NETWORK_ERROR}. Default 10 seconds.
		 * @param requestTimeout a positive duration
		 * @return this builder
		 */
		public Builder requestTimeout(Duration requestTimeout) {
			this.requestTimeout = positive(requestTimeout, "requestTimeout");
			return this;
		}

		/**
		 * How long connecting may take. Default: 5 seconds, or the request timeout if that is shorter.
		 * @param connectTimeout a positive duration
		 * @return this builder
		 */
		public Builder connectTimeout(Duration connectTimeout) {
			this.connectTimeout = positive(connectTimeout, "connectTimeout");
			return this;
		}

		/**
		 * The back-off ceiling after the first failure; it doubles with each failure in a row. Default 1 second.
		 * @param initialRetryDelay a positive duration
		 * @return this builder
		 */
		public Builder initialRetryDelay(Duration initialRetryDelay) {
			this.initialRetryDelay = positive(initialRetryDelay, "initialRetryDelay");
			return this;
		}

		/**
		 * The largest back-off ceiling. Default: the poll interval, or 30 seconds if that is shorter.
		 * @param maxRetryDelay a positive duration
		 * @return this builder
		 */
		public Builder maxRetryDelay(Duration maxRetryDelay) {
			this.maxRetryDelay = positive(maxRetryDelay, "maxRetryDelay");
			return this;
		}

		/**
		 * Adds a request header; repeatable, and a name given twice is sent twice. Values of headers whose names
		 * look secret ({@code Authorization}, {@code *token*}, {@code *key*}, {@code Cookie}, {@code *secret*},
		 * {@code *password*}, ...) are never shown.
		 * @param name the header's name
		 * @param value its value
		 * @return this builder
		 * @throws IllegalArgumentException if the JDK's HTTP client does not allow the header (for example
		 * {@code Host} or {@code Connection}), or the name is not a valid token
		 */
		public Builder header(String name, String value) {
			Objects.requireNonNull(name, "name");
			Objects.requireNonNull(value, "value");
			if (name.equalsIgnoreCase("If-None-Match")) {
				throw new IllegalArgumentException("header 'If-None-Match' is set by the source from the ETag");
			}
			try {
				HttpRequest.newBuilder(this.url).header(name, value);
			}
			catch (IllegalArgumentException ex) {
				// The JDK's message names the header; the value stays out of it, it may be a secret.
				throw new IllegalArgumentException("header '" + name + "' cannot be sent: it is restricted, or its "
						+ "name or value holds characters a header cannot have");
			}
			this.headers.add(new String[] { name, value });
			return this;
		}

		/**
		 * The scheduler that runs the polls, for tests or to share a thread; the source does not shut it down,
		 * but cancels its own tasks on close. Default: a daemon thread of the source's own.
		 * @param scheduler the scheduler
		 * @return this builder
		 */
		public Builder scheduler(ScheduledExecutorService scheduler) {
			this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
			return this;
		}

		/**
		 * The clock that stamps errors. Default: the system clock, UTC.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock");
			return this;
		}

		/** The source of randomness of the back-off: values in {@code [0, 1]}. For tests. */
		Builder jitter(DoubleSupplier jitter) {
			this.jitter = Objects.requireNonNull(jitter, "jitter");
			return this;
		}

		/**
		 * Builds the source; nothing runs until {@link HttpFlagSource#start}.
		 * @return the source
		 */
		public HttpFlagSource build() {
			return new HttpFlagSource(this);
		}

		private static Duration positive(Duration value, String name) {
			Objects.requireNonNull(value, name);
			if (value.isNegative() || value.isZero()) {
				throw new IllegalArgumentException(name + " must be positive: " + value);
			}
			return value;
		}

	}

}
