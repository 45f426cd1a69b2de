package dev.flagstore.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.flagstore.autoconfigure.FlagstoreProperties;
import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.store.CacheMode;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.store.PersistentDataStoreWrapper;

import static org.awaitility.Awaitility.await;

/**
 * The outage a user with default settings meets: an application built by Spring Boot's and flagstore's
 * auto-configuration with nothing set but where the server is ({@link BootInstance}: Lettuce's 60 s command
 * timeout, HikariCP's 30 s connection timeout, the JDBC store's own 5 s network timeout, flagstore's 2 s operation
 * timeout and 16 concurrent calls), a short cache TTL so that entries expire during the run, many callers reading
 * keys the cache cannot answer ({@link ColdReaders}), and the server blackholed through the proxy (connections
 * accepted, nothing answered) for longer than the deadline, then restored.
 *
 * <p>Checked continuously: every caller's wall time against the operation timeout + 50 ms, the live flagstore
 * threads against maxConcurrentCalls + 4 store-call threads, one scheduler thread, one delivery thread per
 * listener and the clock ({@link ThreadSampler}). At the end: the status against reality ({@link Timeline}),
 * listener delivery, never absent, the right item, failures are {@code DataStoreException}, the final status, and
 * no thread or connection leak after the context is closed.
 */
final class DefaultTimeoutsScenario {

	static final DataKind SEGMENTS = DataKind.json("segments", Map.class);

	/** What a caller may wait beyond the operation timeout. */
	static final Duration WAIT_SLACK = Duration.ofMillis(50);

	/** The event publisher flagstore's auto-configuration registers, besides the three of the status observer. */
	private static final int LISTENERS = 3 + 1;

	private final String name;

	private final ChaosBackend backend;

	private Duration ttl = Duration.ofSeconds(1);

	private int callers = 50;

	private Duration pace = Duration.ofMillis(100);

	private Duration warmUp = Duration.ofSeconds(4);

	private final List<Duration> blackholes = new ArrayList<>();

	private Duration upBetween = Duration.ofSeconds(10);

	private Duration after = Duration.ofSeconds(8);

	private DefaultTimeoutsScenario(String name, ChaosBackend backend) {
		this.name = name;
		this.backend = backend;
	}

	static DefaultTimeoutsScenario scenario(String name, ChaosBackend backend) {
		return new DefaultTimeoutsScenario(name, backend);
	}

	/** The outages, in order: each a blackhole of the given length, with {@link #upBetween} between them. */
	DefaultTimeoutsScenario blackholes(Duration... lengths) {
		this.blackholes.addAll(List.of(lengths));
		return this;
	}

	DefaultTimeoutsScenario upBetween(Duration upBetween) {
		this.upBetween = upBetween;
		return this;
	}

	/** How long the load runs after the last outage ended. */
	DefaultTimeoutsScenario after(Duration after) {
		this.after = after;
		return this;
	}

	DefaultTimeoutsScenario warmUp(Duration warmUp) {
		this.warmUp = warmUp;
		return this;
	}

	DefaultTimeoutsScenario callers(int callers) {
		this.callers = callers;
		return this;
	}

	private Duration plannedLength() {
		Duration total = this.warmUp.plus(this.after);
		for (int i = 0; i < this.blackholes.size(); i++) {
			total = total.plus(this.blackholes.get(i)).plus((i > 0) ? this.upBetween : Duration.ZERO);
		}
		return total;
	}

	ScenarioResult run() throws Exception {
		long started = System.nanoTime();
		this.backend.clear();
		// Enough keys that a caller never runs out of keys it has not read: half its reads, with a quarter to spare.
		int keysPerCaller = (int) (plannedLength().toMillis() / this.pace.toMillis() * 5 / 8) + 20;
		ColdReaders.Settings load = new ColdReaders.Settings(this.callers, keysPerCaller, 20, this.pace, this.ttl,
				0.02);
		// Before the thread baseline: seeding over the backend's own connections may start a driver's shared thread
		// (PostgreSQL's cancel timer) that lives as long as those connections, not the instance's.
		this.backend.seed(ColdReaders.data(load, ScenarioRun.FEATURES, SEGMENTS));
		Set<Thread> baseline = Thread.getAllStackTraces().keySet();
		BootInstance instance = BootInstance.open(this.backend, Map.of("flagstore.cache.ttl", this.ttl.toString()));
		ScenarioResult result;
		try {
			result = runIn(instance, load);
		}
		finally {
			instance.close();
		}
		ScenarioRun.checkLeaks(this.backend, baseline, result);
		result.heapAfterGcMb.add(ScenarioRun.heapAfterGcMb());
		result.notApplicable(ScenarioResult.HEAP, "one repetition (heap after GC: " + result.heapAfterGcMb + " MB)");
		result.duration = Duration.ofNanos(System.nanoTime() - started);
		ChaosReport.add(result);
		return result;
	}

	private ScenarioResult runIn(BootInstance instance, ColdReaders.Settings load) throws Exception {
		int keysPerCaller = load.keysPerCaller();
		FlagstoreProperties properties = instance.properties();
		PersistentDataStoreWrapper wrapper = instance.wrapper();
		Duration operationTimeout = properties.getStore().getOperationTimeout();
		int maxConcurrentCalls = properties.getStore().getMaxConcurrentCalls();
		Duration poll = properties.getStatus().getPollInterval();
		Duration detectionBound = operationTimeout.plus(ChaosSettings.margin());
		Duration recoveryBound = poll.plus(operationTimeout).plus(ChaosSettings.margin());
		Duration waitBound = operationTimeout.plus(WAIT_SLACK);
		ScenarioResult result = new ScenarioResult(this.name, this.backend.describe() + "; every client setting "
				+ "Boot's default", "Spring Boot auto-configuration with defaults but flagstore.cache.ttl="
						+ this.ttl.toMillis() + "ms: cache " + wrapper.getCacheMode() + ", operation timeout "
						+ operationTimeout.toMillis() + " ms, max concurrent calls " + maxConcurrentCalls + ", poll "
						+ poll.toMillis() + " ms, heartbeat " + properties.getStatus().getHeartbeatInterval().toMillis()
						+ " ms; " + this.backend.clientSettings(instance) + "; load " + this.callers + " callers, " + keysPerCaller
						+ " keys each (reads of keys never read, or read over a TTL ago) and getAll of "
						+ "a kind of 20 items (2 %), each caller about " + (1000 / this.pace.toMillis())
						+ " reads/s; blackholes " + this.blackholes.stream().map((d) -> d.toSeconds() + " s").toList()
						+ ", " + this.upBetween.toSeconds() + " s up between, " + this.warmUp.toSeconds()
						+ " s before and " + this.after.toSeconds() + " s after");
		result.repetitions = 1;
		result.detectionBound = detectionBound;
		result.recoveryBound = recoveryBound;
		result.recoveryBoundNote = this.backend.reconnectBackoffNote();
		result.waitBound = waitBound;
		if (wrapper.getCacheMode() != CacheMode.TTL) {
			throw new IllegalStateException("expected the default TTL cache, got " + wrapper.getCacheMode());
		}

		ColdReaders readers = new ColdReaders(wrapper, ScenarioRun.FEATURES, SEGMENTS, load, operationTimeout,
				waitBound);
		// Set-up, not the scenario: the client's first connection (class loading, a busy machine) may take longer
		// than the deadline, which would be an outage before any fault.
		PersistentDataStore store = instance.persistentStore();
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(store::isStoreAvailable);
		for (int i = 0; i < 3; i++) {
			try {
				wrapper.get(ScenarioRun.FEATURES, "warm-up-" + i);
				wrapper.getAll(SEGMENTS);
			}
			catch (RuntimeException ex) {
				// Set-up only; the status must be available again before the scenario begins (awaited below).
			}
		}
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
			.until(() -> wrapper.getStatusProvider().getStatus().isAvailable());

		Map<String, Integer> bounds = new LinkedHashMap<>();
		bounds.put(ThreadSampler.STORE_CALL, maxConcurrentCalls + 4);
		bounds.put(ThreadSampler.STATUS, 1);
		bounds.put(ThreadSampler.LISTENER, LISTENERS);
		bounds.put(ThreadSampler.CLOCK, 1);
		// The Redis store's connector (none with PostgreSQL).
		bounds.put(ThreadSampler.REDIS_CONNECT, 1);
		bounds.put(ThreadSampler.TOTAL, maxConcurrentCalls + 4 + 1 + LISTENERS + 1 + 1);
		String loadBefore = StallMonitor.loadAverage();
		ThreadSampler threads = new ThreadSampler(bounds, Duration.ofMillis(50)).start();
		StallMonitor stalls = new StallMonitor(10).start();
		StatusObserver observer = new StatusObserver(wrapper.getStatusProvider());
		Reality reality = new Reality(Instant.now());
		CacheStats cacheBefore = itemCache(wrapper).stats();
		try {
			readers.start();
			try {
				pace(this.warmUp);
				for (int i = 0; i < this.blackholes.size(); i++) {
					if (i > 0) {
						pace(this.upBetween);
					}
					readers.phase(ColdReaders.DURING);
					reality.down("blackhole (proxy)");
					this.backend.proxy().blackhole();
					pace(this.blackholes.get(i));
					this.backend.proxy().restore();
					reality.up("blackhole ended");
					readers.phase(ColdReaders.AFTER);
				}
				pace(this.after);
			}
			finally {
				readers.stop();
			}
			awaitFinalStatus(wrapper, recoveryBound, result);
		}
		finally {
			threads.stop();
			stalls.stop();
		}
		Instant end = Instant.now();
		CacheStats cache = itemCache(wrapper).stats().minus(cacheBefore);
		checkStatus(observer, reality, end, detectionBound, recoveryBound, result);
		observer.detach();

		result.outagesInjected = reality.outages();
		result.reads = readers.reads();
		result.operations = readers.reads();
		for (int p = 0; p < ColdReaders.PHASES.length; p++) {
			result.readFailures += readers.failed(p) + readers.refused(p);
		}
		result.callerWaits.put("all reads", readers.waits(-1));
		for (int p = 0; p < ColdReaders.PHASES.length; p++) {
			result.callerWaits.put("reads " + ColdReaders.PHASES[p], readers.waits(p));
		}
		List<String> waitProblems = new ArrayList<>();
		if (readers.overBound() > 0) {
			waitProblems.add(readers.overBound() + " of " + readers.reads() + " reads waited longer than "
					+ waitBound.toMillis() + " ms");
			waitProblems.addAll(readers.waitViolations(stalls));
		}
		result.check(ScenarioResult.WAIT_BOUND, waitProblems);
		result.threadMaxima.putAll(threads.maxima());
		result.threadBounds.putAll(threads.bounds());
		result.threadSamples = threads.samples();
		result.check(ScenarioResult.THREAD_BOUND, threads.problems());
		result.check(ScenarioResult.NEVER_ABSENT, readers.absent());
		result.check(ScenarioResult.RIGHT_ITEM, readers.wrongItems());
		result.check(ScenarioResult.READ_ERRORS, readers.wrongErrors());
		result.check(ScenarioResult.NO_HANG, readers.hung());
		result.notApplicable(ScenarioResult.NOTHING_LOST, "read-only load");

		for (int p = 0; p < ColdReaders.PHASES.length; p++) {
			result.notes.add("Reads " + ColdReaders.PHASES[p] + ": " + readers.ok(p) + " answered, "
					+ readers.failed(p) + " failed (the store's failure or the deadline), " + readers.refused(p)
					+ " refused by the bulkhead (flagstore.store.max-concurrent-calls)");
		}
		result.notes.add("Timed-out reads: " + readers.endedByDeadline() + " ended by their deadline (fired by the "
				+ "flagstore-status thread), " + readers.endedBySafetyNet() + " by the caller's own safety net (the "
				+ "deadline had not fired 20 ms after it was due)");
		result.notes.add("Reads by kind: " + readers.coldReads() + " of keys never read before, "
				+ readers.expiredReads() + " of keys read over a TTL before, " + readers.getAlls() + " getAll; item "
				+ "cache: " + cache.hitCount() + " hits, " + cache.missCount() + " misses (loads from the store)");
		List<String> outages = new ArrayList<>();
		for (Reality.Change change : reality.changes()) {
			if (!change.cause().equals("start")) {
				outages.add((change.up() ? "up " : "down ") + change.at());
			}
		}
		result.notes.add("Store down and up (blackhole begun and ended): " + outages);
		result.notes.add("Machine load average (1, 5, 15 min) at the start and the end: " + loadBefore + "; "
				+ StallMonitor.loadAverage() + " (" + Runtime.getRuntime().availableProcessors() + " CPUs)");
		result.notes.add("JVM or machine stalls (a 1 ms sleep woken over 10 ms late): " + stalls.stalls().size()
				+ ", longest " + stalls.worstMillis() + " ms" + (stalls.longerThan(20, 10).isEmpty() ? ""
						: "; over 20 ms: " + stalls.longerThan(20, 10)));
		if (!threads.problems().isEmpty() || !waitProblems.isEmpty()) {
			System.out.println("DEFAULT-TIMEOUTS " + this.name + ": " + result.failures());
		}
		return result;
	}

	private static Cache<?, ?> itemCache(PersistentDataStoreWrapper wrapper) {
		return wrapper.getCaches().get("items");
	}

	private static void pace(Duration duration) {
		// Pacing the outage, not synchronisation.
		LockSupport.parkNanos(duration.toNanos());
	}

	/** Available again, with refreshNeeded (TTL after an outage), within the bounds once the load stopped. */
	private void awaitFinalStatus(PersistentDataStoreWrapper wrapper, Duration recoveryBound, ScenarioResult result) {
		try {
			await().atMost(recoveryBound.plus(this.backend.reconnectBackoff(Duration.ofDays(1))).plus(Duration.ofSeconds(5)))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> {
					DataStoreStatus status = wrapper.getStatusProvider().getStatus();
					return status.isAvailable() && (this.blackholes.isEmpty() || status.isRefreshNeeded());
				});
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			result.check(ScenarioResult.REFRESH, List.of("did not reach the expected final status after the store "
					+ "came back; it is " + wrapper.getStatusProvider().getStatus()));
		}
	}

	private void checkStatus(StatusObserver observer, Reality reality, Instant end, Duration detectionBound,
			Duration recoveryBound, ScenarioResult result) {
		List<String> listenerProblems = new ArrayList<>();
		if (!observer.awaitDelivered(Duration.ofSeconds(10))) {
			listenerProblems.add("listeners did not catch up with the status within 10 s");
		}
		listenerProblems.addAll(observer.check());
		result.check(ScenarioResult.LISTENERS, listenerProblems);
		List<DataStoreStatus> changes = observer.changes();
		result.statusChanges += changes.size();
		Timeline timeline = Timeline.analyze(reality.changes(), observer.initial(), changes, end, detectionBound,
				recoveryBound, this.backend::reconnectBackoff);
		result.detectionMillis.addAll(timeline.detectionMillis());
		result.recoveryMillis.addAll(timeline.recoveryMillis());
		result.undetectedOutages += timeline.undetectedOutages();
		result.lateDetections += timeline.lateDetections();
		result.unrecoveredBeforeNextOutage += timeline.unrecoveredBeforeNextOutage();
		result.backoffExcused += timeline.backoffExcused();
		result.worstMismatchMillis = Math.max(result.worstMismatchMillis, timeline.worstMismatchMillis());
		List<String> truth = new ArrayList<>(timeline.problems());
		if (timeline.detectionMillis().size() < this.blackholes.size()) {
			truth.add("only " + timeline.detectionMillis().size() + " of " + this.blackholes.size() + " blackholes were "
					+ "seen as outages (" + timeline.undetectedOutages() + " undetected, " + timeline.lateDetections()
					+ " seen late)");
		}
		result.check(ScenarioResult.STATUS_TRUTH, truth);
		List<String> refresh = new ArrayList<>();
		DataStoreStatus previous = observer.initial();
		for (DataStoreStatus status : changes) {
			if (!previous.isAvailable() && status.isAvailable() && !status.isRefreshNeeded()) {
				refresh.add("recovery at " + status.getSince() + " reported refreshNeeded=false with a TTL cache");
			}
			previous = status;
		}
		result.check(ScenarioResult.REFRESH, refresh);
	}

}
