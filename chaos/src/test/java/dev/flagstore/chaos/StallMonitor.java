package dev.flagstore.chaos;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Tells a slow flagstore from a stalled JVM or machine: a thread that sleeps 1 ms at a time and records every time
 * it woke much later than asked (a GC pause, a safepoint, no CPU for it), with the GC time spent meanwhile. A caller
 * that waited past its bound during such a stall may have been kept by it rather than by flagstore.
 */
final class StallMonitor {

	/** One late wake-up: from {@code from} (wall clock) for {@code lateNanos} more than the 1 ms asked. */
	record Stall(Instant from, long startNanos, long lateNanos, long gcMillis) {
	}

	private static final long SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private final long thresholdNanos;

	private final List<Stall> stalls = new ArrayList<>();

	private final Thread thread;

	private volatile boolean stopping;

	private long worstNanos;

	StallMonitor(long thresholdMillis) {
		this.thresholdNanos = TimeUnit.MILLISECONDS.toNanos(thresholdMillis);
		this.thread = new Thread(this::run, "chaos-stall-monitor");
		this.thread.setDaemon(true);
		this.thread.setPriority(Thread.MAX_PRIORITY);
	}

	StallMonitor start() {
		this.thread.start();
		return this;
	}

	private void run() {
		while (!this.stopping) {
			long gcBefore = gcMillis();
			long before = System.nanoTime();
			Instant wall = Instant.now();
			// Sleeping is the measurement.
			LockSupport.parkNanos(SLEEP_NANOS);
			long late = System.nanoTime() - before - SLEEP_NANOS;
			if (late > this.thresholdNanos) {
				synchronized (this) {
					this.worstNanos = Math.max(this.worstNanos, late);
					if (this.stalls.size() < 10_000) {
						this.stalls.add(new Stall(wall, before, late, gcMillis() - gcBefore));
					}
				}
			}
		}
	}

	/** The machine's load averages (1, 5, 15 min) from {@code /proc/loadavg}, or "?" where there is none. */
	static String loadAverage() {
		try {
			String[] fields = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split(" ");
			return fields[0] + " " + fields[1] + " " + fields[2];
		}
		catch (java.io.IOException | RuntimeException ex) {
			return "?";
		}
	}

	private static long gcMillis() {
		long total = 0;
		for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
			total += Math.max(0, gc.getCollectionTime());
		}
		return total;
	}

	void stop() throws InterruptedException {
		this.stopping = true;
		this.thread.join(TimeUnit.SECONDS.toMillis(5));
	}

	synchronized List<Stall> stalls() {
		return List.copyOf(this.stalls);
	}

	/** The stalls longer than {@code millis}, each as "time: late ms (GC ms)", the first {@code limit}. */
	synchronized List<String> longerThan(long millis, int limit) {
		List<String> texts = new ArrayList<>();
		for (Stall stall : this.stalls) {
			if (stall.lateNanos() > TimeUnit.MILLISECONDS.toNanos(millis) && texts.size() < limit) {
				texts.add(stall.from() + ": " + ScenarioResult.millis(stall.lateNanos()) + " ms (GC " + stall.gcMillis()
						+ " ms)");
			}
		}
		return texts;
	}

	synchronized long worstMillis() {
		return TimeUnit.NANOSECONDS.toMillis(this.worstNanos);
	}

	/**
	 * What stalled during a wait that should have ended at {@code deadlineNanos}: the stalls over the whole wait,
	 * and those from the deadline on (the ones that can have kept the caller past it).
	 */
	synchronized String during(long startNanos, long deadlineNanos, long endNanos) {
		return overlap(startNanos, endNanos) + "; from the deadline on: " + overlap(deadlineNanos, endNanos);
	}

	/** The stalls that overlap [startNanos, endNanos] (System.nanoTime), summed, and the longest of them. */
	private String overlap(long startNanos, long endNanos) {
		long sum = 0;
		long longest = 0;
		long gc = 0;
		int count = 0;
		for (Stall stall : this.stalls) {
			long stallEnd = stall.startNanos() + SLEEP_NANOS + stall.lateNanos();
			if (stallEnd > startNanos && stall.startNanos() < endNanos) {
				count++;
				sum += stall.lateNanos();
				longest = Math.max(longest, stall.lateNanos());
				gc += stall.gcMillis();
			}
		}
		return (count == 0) ? "no stall over " + TimeUnit.NANOSECONDS.toMillis(this.thresholdNanos) + " ms"
				: count + " stall(s), " + ScenarioResult.millis(sum) + " ms in all, longest "
						+ ScenarioResult.millis(longest) + " ms, GC " + gc + " ms";
	}

}
