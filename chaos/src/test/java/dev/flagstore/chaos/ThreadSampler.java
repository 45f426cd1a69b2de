package dev.flagstore.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Samples the live flagstore threads (names {@code flagstore-*}) every few milliseconds on a thread of its own and keeps, per pool, the most seen at once and every sample over a bound (the
 * first few in full: names, states and the top of each stack, to tell what the threads were doing).
 *
 * <p>Pools, by name prefix: {@code flagstore-store-call-} (store calls, polls, heartbeats), {@code
 * flagstore-status-listener-} (listener delivery), {@code flagstore-status-} (the scheduler that fires deadlines,
 * polls and heartbeats), {@code flagstore-clock} (the shared coarse ticker), {@code flagstore-redis-connect} (the
 * Redis store's connector, which obtains the connection its non-blocking reads use), the flag source's
 * {@code flagstore-http-source-} (the HTTP source's poller and its client's pool), {@code
 * flagstore-source-status-listener-}, {@code flagstore-source-resync-} and {@code flagstore-source-retry-} (the
 * runner's; the last schedules the resync after a failed {@code init}), and any other {@code flagstore-} name
 * ({@code other}, bound 0: a thread nobody expects).
 */
final class ThreadSampler {

	static final String STORE_CALL = "store-call";

	static final String STATUS = "status";

	static final String LISTENER = "listener";

	static final String CLOCK = "clock";

	static final String REDIS_CONNECT = "redis-connect";

	static final String HTTP_SOURCE = "http-source";

	static final String SOURCE_LISTENER = "source-listener";

	static final String SOURCE_RESYNC = "source-resync";

	static final String SOURCE_RETRY = "source-retry";

	static final String OTHER = "other";

	static final String TOTAL = "total";

	private static final int MAX_DUMPS = 3;

	private final Map<String, Integer> bounds;

	private final long intervalNanos;

	private final Map<String, Integer> maxima = new LinkedHashMap<>();

	private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();

	private final Thread sampler;

	private volatile boolean stopping;

	private int samples;

	private long overBound;

	/**
	 * @param bounds the most threads each pool may have at once, by pool name ({@link #STORE_CALL} ...,
	 * {@link #TOTAL}); {@link #OTHER} is always 0
	 */
	ThreadSampler(Map<String, Integer> bounds, Duration interval) {
		this.bounds = new LinkedHashMap<>(bounds);
		this.bounds.put(OTHER, 0);
		this.intervalNanos = interval.toNanos();
		for (String pool : this.bounds.keySet()) {
			this.maxima.put(pool, 0);
		}
		this.sampler = new Thread(this::run, "chaos-thread-sampler");
		this.sampler.setDaemon(true);
	}

	ThreadSampler start() {
		this.sampler.start();
		return this;
	}

	static String poolOf(String threadName) {
		if (threadName.startsWith("flagstore-store-call-")) {
			return STORE_CALL;
		}
		if (threadName.startsWith("flagstore-status-listener-")) {
			return LISTENER;
		}
		if (threadName.startsWith("flagstore-status-")) {
			return STATUS;
		}
		if (threadName.startsWith("flagstore-clock")) {
			return CLOCK;
		}
		if (threadName.startsWith("flagstore-redis-connect")) {
			return REDIS_CONNECT;
		}
		if (threadName.startsWith("flagstore-http-source-")) {
			return HTTP_SOURCE;
		}
		if (threadName.startsWith("flagstore-source-status-listener-")) {
			return SOURCE_LISTENER;
		}
		if (threadName.startsWith("flagstore-source-resync-")) {
			return SOURCE_RESYNC;
		}
		if (threadName.startsWith("flagstore-source-retry-")) {
			return SOURCE_RETRY;
		}
		return threadName.startsWith("flagstore-") ? OTHER : null;
	}

	private void run() {
		while (!this.stopping) {
			sample();
			// Pacing the samples, not synchronisation.
			LockSupport.parkNanos(this.intervalNanos);
		}
	}

	/**
	 * Takes one sample now (also the last one, on stop). The threads are listed without stopping the JVM
	 * ({@link Thread#enumerate}: the same live threads as {@code Thread.getAllStackTraces().keySet()});
	 * {@code getAllStackTraces()} itself is a stop-the-world safepoint (1-6 ms each on a 2-core machine, every
	 * sample), which would add to the very waits being measured, so it is taken only for a sample over a bound.
	 */
	synchronized void sample() {
		Thread[] live = new Thread[Thread.activeCount() + 64];
		int listed = Thread.enumerate(live);
		Map<String, Integer> counts = new LinkedHashMap<>();
		Map<String, List<Thread>> byPool = new TreeMap<>();
		int total = 0;
		for (int i = 0; i < listed; i++) {
			Thread thread = live[i];
			String pool = poolOf(thread.getName());
			if (pool == null || !thread.isAlive()) {
				continue;
			}
			counts.merge(pool, 1, Integer::sum);
			byPool.computeIfAbsent(pool, (key) -> new ArrayList<>()).add(thread);
			total++;
		}
		counts.put(TOTAL, total);
		this.samples++;
		boolean over = false;
		for (Map.Entry<String, Integer> entry : counts.entrySet()) {
			this.maxima.merge(entry.getKey(), entry.getValue(), Math::max);
			Integer bound = this.bounds.get(entry.getKey());
			if (bound != null && entry.getValue() > bound) {
				over = true;
			}
		}
		if (over) {
			this.overBound++;
			if (this.violations.size() < MAX_DUMPS) {
				this.violations.add(describe(counts, byPool, Thread.getAllStackTraces()));
			}
		}
	}

	private String describe(Map<String, Integer> counts, Map<String, List<Thread>> byPool,
			Map<Thread, StackTraceElement[]> stacks) {
		StringBuilder text = new StringBuilder("at " + Instant.now() + ": " + counts + " (bounds " + this.bounds + "):");
		byPool.forEach((pool, threads) -> {
			for (Thread thread : threads) {
				text.append("\n      ").append(thread.getName()).append(" ").append(thread.getState());
				StackTraceElement[] stack = stacks.get(thread);
				for (int i = 0; stack != null && i < Math.min(4, stack.length); i++) {
					text.append(" | ").append(stack[i]);
				}
			}
		});
		return text.toString();
	}

	/** Most threads seen at once, per pool and in total. */
	synchronized Map<String, Integer> maxima() {
		return new LinkedHashMap<>(this.maxima);
	}

	Map<String, Integer> bounds() {
		return new LinkedHashMap<>(this.bounds);
	}

	synchronized int samples() {
		return this.samples;
	}

	/** The problems: how many samples were over a bound, and the first few in full. */
	synchronized List<String> problems() {
		if (this.overBound == 0) {
			return List.of();
		}
		List<String> problems = new ArrayList<>();
		problems.add(this.overBound + " of " + this.samples + " samples over a bound; most at once " + this.maxima);
		problems.addAll(this.violations);
		return problems;
	}

	/** Stops sampling, after one last sample. */
	void stop() throws InterruptedException {
		this.stopping = true;
		this.sampler.join(TimeUnit.SECONDS.toMillis(10));
		sample();
	}

}
