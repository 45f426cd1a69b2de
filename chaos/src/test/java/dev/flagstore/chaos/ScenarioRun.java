package dev.flagstore.chaos;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import dev.flagstore.spring.DataStoreStatusChangedEvent;
import dev.flagstore.spring.health.FlagstoreHealthIndicator;
import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusProvider;
import dev.flagstore.store.CacheMode;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.DataStoreException;
import dev.flagstore.store.PersistentDataStoreWrapper;
import dev.flagstore.test.ManualStatusProvider;
import org.jspecify.annotations.Nullable;

import static org.awaitility.Awaitility.await;

/**
 * Runs one chaos scenario: for each repetition, opens the application instances (wrapper + store + client) on a
 * backend, writes the initial data, starts the {@link Workload}, lets the {@link FaultScript} break and repair the
 * store (recording {@link Reality}), then stops the load, waits for recovery and checks every invariant (see
 * {@link ScenarioResult}), closes everything and checks for leaks. The result goes to the {@link ChaosReport}.
 */
final class ScenarioRun {

	static final DataKind FEATURES = DataKind.json("features", Map.class);

	/** Threads the JVM or a library starts once and keeps for good: not a leak of a scenario. */
	private static final List<String> GLOBAL_THREADS = List.of("process reaper", "PostgreSQL-JDBC-Cleaner",
			"globalEventExecutor", "ObjectCleanerThread", "Common-Cleaner", "ForkJoinPool", "Attach Listener",
			"surefire", "junit", "Reference Handler", "Finalizer", "Signal Dispatcher", "Notification Thread",
			"Cleaner", "chaos-admin", "awaitility");

	/** What the fault driver does while the load runs; it must leave the store up. */
	@FunctionalInterface
	interface FaultScript {

		void run(Chaos chaos) throws Exception;

	}

	/** What a fault script can use. */
	final class Chaos {

		private final Reality reality;

		private final List<PersistentDataStoreWrapper> stores;

		private final Workload workload;

		private final long deadlineNanos;

		Chaos(Reality reality, List<PersistentDataStoreWrapper> stores, Workload workload, long deadlineNanos) {
			this.reality = reality;
			this.stores = stores;
			this.workload = workload;
			this.deadlineNanos = deadlineNanos;
		}

		Reality reality() {
			return this.reality;
		}

		ChaosBackend backend() {
			return ScenarioRun.this.backend;
		}

		List<PersistentDataStoreWrapper> stores() {
			return this.stores;
		}

		/** Whether the scenario's time is not up yet. */
		boolean timeLeft() {
			return System.nanoTime() - this.deadlineNanos < 0;
		}

		/** Waits {@code duration}: pacing the outage, not synchronisation. */
		void pace(Duration duration) {
			LockSupport.parkNanos(duration.toNanos());
		}

		/** Runs {@code init} with the initial data on every instance; answers whether all succeeded. */
		boolean initAll() {
			boolean all = true;
			for (PersistentDataStoreWrapper store : this.stores) {
				try {
					store.init(this.workload.initialData());
				}
				catch (DataStoreException ex) {
					ScenarioRun.this.onThrown(ex);
					all = false;
				}
			}
			return all;
		}

		/** Starts the load (when the scenario did not start it before the script). */
		void startLoad() {
			this.workload.start(Duration.ofNanos(Math.max(0, this.deadlineNanos - System.nanoTime())));
		}

	}

	private final String name;

	private final ChaosBackend backend;

	private int instances = 1;

	private CacheMode cacheMode = CacheMode.FOREVER;

	private Duration clientTimeout = Duration.ofMillis(500);

	private Duration pollInterval = Duration.ofMillis(200);

	private Duration operationTimeout = Duration.ofSeconds(1);

	private Duration heartbeat = Duration.ofSeconds(1);

	private Duration cacheTtl = Duration.ofMinutes(10);

	private Workload.Settings load = new Workload.Settings(6, 60, 0.3, 2_000_000, false, true);

	private Duration duration = Duration.ofSeconds(10);

	private int repetitions = 1;

	private Duration recoveryAllowance = Duration.ZERO;

	private boolean initBeforeLoad = true;

	private @Nullable String secret;

	private final Map<String, String> knownBugs = new java.util.LinkedHashMap<>();

	/** How many exceptions reached the application, and the first few (kept small: runs throw tens of thousands). */
	private final java.util.concurrent.atomic.AtomicLong thrownCount = new java.util.concurrent.atomic.AtomicLong();

	private final ConcurrentLinkedQueue<Throwable> firstThrown = new ConcurrentLinkedQueue<>();

	/** Texts of thrown exceptions (whole cause chain) that contained the secret. */
	private final ConcurrentLinkedQueue<String> leakedByExceptions = new ConcurrentLinkedQueue<>();

	private ScenarioRun(String name, ChaosBackend backend) {
		this.name = name;
		this.backend = backend;
	}

	static ScenarioRun scenario(String name, ChaosBackend backend) {
		return new ScenarioRun(name, backend);
	}

	ScenarioRun instances(int instances) {
		this.instances = instances;
		return this;
	}

	ScenarioRun cacheMode(CacheMode cacheMode) {
		this.cacheMode = cacheMode;
		return this;
	}

	ScenarioRun clientTimeout(Duration clientTimeout) {
		this.clientTimeout = clientTimeout;
		return this;
	}

	ScenarioRun pollInterval(Duration pollInterval) {
		this.pollInterval = pollInterval;
		return this;
	}

	ScenarioRun operationTimeout(Duration operationTimeout) {
		this.operationTimeout = operationTimeout;
		return this;
	}

	ScenarioRun cacheTtl(Duration cacheTtl) {
		this.cacheTtl = cacheTtl;
		return this;
	}

	ScenarioRun heartbeat(Duration heartbeat) {
		this.heartbeat = heartbeat;
		return this;
	}

	ScenarioRun load(Workload.Settings load) {
		this.load = load;
		return this;
	}

	ScenarioRun duration(Duration duration) {
		this.duration = duration;
		return this;
	}

	ScenarioRun repetitions(int repetitions) {
		this.repetitions = repetitions;
		return this;
	}

	/** The fault script runs {@code init} and starts the load itself (to break the store during init). */
	ScenarioRun scriptInitializes() {
		this.initBeforeLoad = false;
		return this;
	}

	/**
	 * Reports violations of {@code invariant} as the known bug {@code bug} without failing the scenario, so the
	 * default build stays green while the bug has its own failing test (tag {@code known-bug}).
	 */
	ScenarioRun knownBug(String invariant, String bug) {
		this.knownBugs.put(invariant, bug);
		return this;
	}

	/** Checks that {@code secret} appears in no status, health detail, event, exception or log line. */
	ScenarioRun secret(String secret) {
		this.secret = secret;
		return this;
	}

	Duration detectionBound() {
		return this.operationTimeout.plus(ChaosSettings.margin());
	}

	Duration recoveryBound() {
		return this.pollInterval.plus(this.operationTimeout).plus(this.recoveryAllowance).plus(ChaosSettings.margin());
	}

	/** The longest the client's own reconnect back-off can add to the recovery bound. */
	private Duration maxReconnectBackoff() {
		return this.backend.reconnectBackoff(Duration.ofDays(1));
	}

	/** Extra time the store needs to be really back after the fault driver ends a fault (added to the bound). */
	ScenarioRun recoveryAllowance(Duration allowance) {
		this.recoveryAllowance = allowance;
		return this;
	}

	/** Runs every repetition, adds the result to the report and returns it. */
	ScenarioResult run(FaultScript script) throws Exception {
		ScenarioResult result = new ScenarioResult(this.name, this.backend.describe(),
				this.instances + " instance(s), cache " + this.cacheMode
						+ ((this.cacheMode == CacheMode.TTL) ? " " + this.cacheTtl.toSeconds() + " s" : "")
						+ ", client timeout " + this.clientTimeout.toMillis() + " ms, operation timeout "
						+ this.operationTimeout.toMillis() + " ms, poll " + this.pollInterval.toMillis()
						+ " ms, heartbeat " + this.heartbeat.toMillis() + " ms; load " + this.load.threads()
						+ " threads, " + this.load.keys() + " keys, " + Math.round(this.load.writeRatio() * 100)
						+ "% upserts" + (this.load.partitionedWrites() ? " (one writer per key)" : " (shared keys)")
						+ ", at most " + this.duration.toSeconds() + " s per repetition");
		this.knownBugs.forEach(result::knownBug);
		result.detectionBound = detectionBound();
		result.recoveryBound = recoveryBound();
		result.recoveryBoundNote = this.backend.reconnectBackoffNote();
		long started = System.nanoTime();
		String hidden = this.secret;
		LogCapture logs = (hidden != null) ? LogCapture.begin(hidden) : null;
		try {
			for (int repetition = 0; repetition < this.repetitions; repetition++) {
				runOnce(script, result);
			}
		}
		finally {
			if (logs != null) {
				// Proves the capture sees every logger at DEBUG: this line must be caught (and is not a leak).
				org.slf4j.LoggerFactory.getLogger("dev.flagstore.chaos.self-check").debug("capture self-check {}",
						hidden);
				logs.close();
				if (logs.lines().stream().noneMatch((line) -> line.contains("capture self-check"))) {
					result.check(ScenarioResult.SECRETS, List.of("the log capture missed its own DEBUG self-check line"));
				}
				result.check(ScenarioResult.SECRETS, secretProblems("log line",
						logs.lines().stream().filter((line) -> !line.contains("capture self-check")).toList()));
				result.logLinesChecked = logs.lineCount();
			}
		}
		result.duration = Duration.ofNanos(System.nanoTime() - started);
		checkHeap(result);
		ChaosReport.add(result);
		return result;
	}

	private void runOnce(FaultScript script, ScenarioResult result) throws Exception {
		result.repetitions++;
		this.backend.clear();
		Set<Thread> baseline = Thread.getAllStackTraces().keySet();
		List<ChaosBackend.StoreInstance> opened = new ArrayList<>();
		List<PersistentDataStoreWrapper> stores = new ArrayList<>();
		List<StatusObserver> observers = new ArrayList<>();
		List<CacheMode> modes = new ArrayList<>();
		Reality reality = new Reality(Instant.now());
		Workload workload;
		try {
			for (int i = 0; i < this.instances; i++) {
				ChaosBackend.StoreInstance instance = this.backend.openInstance("instance-" + i, this.clientTimeout);
				opened.add(instance);
				// Set-up, not the scenario: the first connection of a fresh client (class loading, a busy machine)
				// may take longer than the operation timeout, which would be an outage before any fault.
				await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
					.until(instance.store()::isStoreAvailable);
				PersistentDataStoreWrapper store = PersistentDataStoreWrapper.builder(instance.store())
					.cacheMode(this.cacheMode)
					.cacheTtl(this.cacheTtl)
					.pollInterval(this.pollInterval)
					.heartbeatInterval(this.heartbeat)
					.operationTimeout(this.operationTimeout)
					.build();
				stores.add(store);
				observers.add(new StatusObserver(store.getStatusProvider()));
				modes.add(this.cacheMode);
			}
			workload = new Workload(FEATURES, List.copyOf(stores), modes, this.load, this::onThrown);
			long deadline = System.nanoTime() + this.duration.toNanos();
			Chaos chaos = new Chaos(reality, stores, workload, deadline);
			if (this.initBeforeLoad) {
				if (!chaos.initAll()) {
					throw new IllegalStateException("init failed before any fault: " + this.firstThrown.peek());
				}
				chaos.startLoad();
			}
			try {
				script.run(chaos);
			}
			finally {
				workload.stop();
			}
			awaitFinalStatus(stores, reality, result);
			Instant end = Instant.now();
			for (int i = 0; i < stores.size(); i++) {
				checkStatus(observers.get(i), reality, end, result, "instance-" + i);
			}
			checkWorkload(workload, result);
			checkData(workload, reality, stores, result);
			if (this.secret != null) {
				checkSecrets(stores, observers, result);
			}
		}
		finally {
			observers.forEach(StatusObserver::detach);
			stores.forEach(PersistentDataStoreWrapper::close);
			for (ChaosBackend.StoreInstance instance : opened) {
				instance.resources().close();
			}
		}
		result.outagesInjected += reality.outages();
		checkLeaks(this.backend, baseline, result);
		result.heapAfterGcMb.add(heapAfterGcMb());
	}

	/** The store is up again: every instance must say so (FOREVER: after writing back) within the bound. */
	private void awaitFinalStatus(List<PersistentDataStoreWrapper> stores, Reality reality, ScenarioResult result) {
		boolean lossPossible = !this.backend.durable() && reality.outages() > 0;
		for (int i = 0; i < stores.size(); i++) {
			DataStoreStatusProvider provider = stores.get(i).getStatusProvider();
			try {
				await().atMost(recoveryBound().plus(maxReconnectBackoff()).plus(this.heartbeat).plus(Duration.ofSeconds(5)))
					.pollInterval(Duration.ofMillis(20))
					.until(() -> {
						DataStoreStatus status = provider.getStatus();
						if (!status.isAvailable()) {
							return false;
						}
						if (this.cacheMode == CacheMode.FOREVER) {
							return !status.isRefreshNeeded();
						}
						// A killed Redis lost its data: the heartbeat must say so even if no call failed.
						return !lossPossible || status.isRefreshNeeded();
					});
			}
			catch (org.awaitility.core.ConditionTimeoutException ex) {
				result.check(ScenarioResult.REFRESH, List.of("instance-" + i + " did not reach the expected final "
						+ "status after the store came back; it is " + provider.getStatus()));
			}
		}
	}

	private void checkStatus(StatusObserver observer, Reality reality, Instant end, ScenarioResult result,
			String instance) {
		List<String> listenerProblems = new ArrayList<>();
		if (!observer.awaitDelivered(Duration.ofSeconds(10))) {
			listenerProblems.add(instance + ": listeners did not catch up with the status within 10 s");
		}
		observer.check().forEach((problem) -> listenerProblems.add(instance + ": " + problem));
		result.check(ScenarioResult.LISTENERS, listenerProblems);
		List<DataStoreStatus> changes = observer.changes();
		result.statusChanges += changes.size();
		Timeline timeline = Timeline.analyze(reality.changes(), observer.initial(), changes, end, detectionBound(),
				recoveryBound(), this.backend::reconnectBackoff);
		result.detectionMillis.addAll(timeline.detectionMillis());
		result.recoveryMillis.addAll(timeline.recoveryMillis());
		result.undetectedOutages += timeline.undetectedOutages();
		result.lateDetections += timeline.lateDetections();
		result.unrecoveredBeforeNextOutage += timeline.unrecoveredBeforeNextOutage();
		result.backoffExcused += timeline.backoffExcused();
		result.worstMismatchMillis = Math.max(result.worstMismatchMillis, timeline.worstMismatchMillis());
		result.check(ScenarioResult.STATUS_TRUTH,
				timeline.problems().stream().map((problem) -> instance + ": " + problem).toList());
		List<String> refresh = new ArrayList<>();
		DataStoreStatus previous = observer.initial();
		for (DataStoreStatus status : changes) {
			if (!previous.isAvailable() && status.isAvailable()) {
				boolean expected = this.cacheMode != CacheMode.FOREVER;
				if (status.isRefreshNeeded() != expected) {
					refresh.add(instance + ": recovery at " + status.getSince() + " reported refreshNeeded="
							+ status.isRefreshNeeded() + " with cache " + this.cacheMode);
				}
			}
			previous = status;
		}
		result.check(ScenarioResult.REFRESH, refresh);
	}

	private void checkWorkload(Workload workload, ScenarioResult result) {
		result.operations += workload.operations();
		result.reads += workload.reads();
		result.readFailures += workload.readFailures();
		result.getAllFailures += workload.getAllFailures();
		result.writes += workload.writes();
		result.writeFailures += workload.writeFailures();
		result.rejected += workload.rejected();
		result.monotonicChecks += workload.monotonicChecks();
		List<String> violations = workload.violations();
		result.check(ScenarioResult.MONOTONIC,
				violations.stream().filter((v) -> v.contains("went back from")).toList());
		result.check(ScenarioResult.MONOTONIC_ACROSS,
				violations.stream().filter((v) -> v.contains("went back across")).toList());
		result.check(ScenarioResult.NEVER_ABSENT, violations.stream().filter((v) -> v.contains("answered null")).toList());
		List<String> threw = violations.stream().filter((v) -> v.contains("threw")).toList();
		if (this.load.readsMustNotThrow() || !threw.isEmpty()) {
			result.check(ScenarioResult.READS, threw);
		}
		else {
			result.notApplicable(ScenarioResult.READS, "short TTL: reads miss the cache and may throw a "
					+ "DataStoreException here (any other exception is still a violation)");
		}
		result.check(ScenarioResult.WRITE_ERRORS,
				violations.stream().filter((v) -> v.contains("not a DataStoreException")).toList());
		result.check(ScenarioResult.NO_HANG, violations.stream().filter((v) -> v.contains("did not stop")).toList());
	}

	/**
	 * FOREVER, one instance: the store must hold exactly the highest version written of every key. Otherwise, a
	 * durable store must keep every acknowledged write (and hold nothing newer than was ever written). Checked once the store has settled (a write-back or a wiped
	 * store noticed by the heartbeat may still be under way), within the recovery bound plus a heartbeat.
	 */
	private void checkData(Workload workload, Reality reality, List<PersistentDataStoreWrapper> stores,
			ScenarioResult result) throws Exception {
		boolean exact = this.cacheMode == CacheMode.FOREVER && this.instances == 1;
		if (!exact && !this.backend.durable()) {
			result.notApplicable(ScenarioResult.NOTHING_LOST, "TTL cache on a store that loses data when killed: "
					+ "refreshNeeded is the promise");
			return;
		}
		List<String> problems = new ArrayList<>();
		long deadline = System.nanoTime()
				+ recoveryBound().plus(maxReconnectBackoff()).plus(this.heartbeat).plus(Duration.ofSeconds(2)).toNanos();
		do {
			problems.clear();
			Map<String, Integer> stored = this.backend.readVersions(FEATURES);
			for (int key = 0; key < workload.keys(); key++) {
				Integer version = stored.get(Workload.key(key));
				int attempted = workload.maxAttempted(key);
				int acknowledged = workload.maxAcknowledged(key);
				if (exact && (version == null || version != attempted)) {
					problems.add(Workload.key(key) + ": store holds version " + version + ", last written "
							+ attempted + " (status " + stores.get(0).getStatusProvider().getStatus() + ")");
				}
				else if (!exact && (version == null || version < acknowledged || version > attempted)) {
					problems.add(Workload.key(key) + ": store holds version " + version + ", acknowledged "
							+ acknowledged + ", highest attempted " + attempted);
				}
			}
			if (exact && !this.backend.isInitialized()) {
				problems.add("the store is not marked initialized after the write-back");
			}
			if (problems.isEmpty() || System.nanoTime() - deadline > 0) {
				break;
			}
			// Pacing re-reads of the database while a write-back settles.
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
		}
		while (true);
		result.check(ScenarioResult.NOTHING_LOST, problems);
	}

	private void checkSecrets(List<PersistentDataStoreWrapper> stores, List<StatusObserver> observers,
			ScenarioResult result) {
		List<String> texts = new ArrayList<>(this.leakedByExceptions);
		for (int i = 0; i < stores.size(); i++) {
			DataStoreStatus previous = observers.get(i).initial();
			List<DataStoreStatus> statuses = new ArrayList<>(observers.get(i).changes());
			statuses.add(stores.get(i).getStatusProvider().getStatus());
			for (DataStoreStatus status : statuses) {
				texts.add("status " + status + " lastError=" + status.getLastError());
				texts.add("health " + new FlagstoreHealthIndicator(new ManualStatusProvider(status)).health());
				texts.add("event " + new DataStoreStatusChangedEvent(this, status, previous) + " "
						+ status.getLastError());
				previous = status;
			}
		}
		result.check(ScenarioResult.SECRETS, secretProblems("text", texts));
		List<String> failures = new ArrayList<>();
		if (this.thrownCount.get() == 0) {
			failures.add("no exception reached the application: the outages did not bite, so nothing was tested");
		}
		result.check(ScenarioResult.SECRETS, failures);
	}

	/**
	 * An exception reached the application: counted, the first few kept, and its whole cause chain checked for the
	 * secret at once (not stored, so the harness itself does not grow the heap).
	 */
	private void onThrown(Throwable error) {
		if (ChaosSettings.trace()) {
			System.out.println("TRACE " + Instant.now() + " " + Thread.currentThread().getName() + " threw"
					+ causeChain(error));
		}
		if (this.thrownCount.incrementAndGet() <= 5) {
			this.firstThrown.add(error);
		}
		String hidden = this.secret;
		if (hidden == null) {
			return;
		}
		Throwable current = error;
		for (int depth = 0; current != null && depth < 10; depth++) {
			String text = "exception " + current;
			if (text.contains(hidden) && this.leakedByExceptions.size() < 10) {
				this.leakedByExceptions.add(text);
			}
			current = current.getCause();
		}
	}

	/** {@code error} and its causes, each as " <- " + its toString. */
	static String causeChain(Throwable error) {
		StringBuilder chain = new StringBuilder();
		int depth = 0;
		for (Throwable cause = error; cause != null && depth < 20; cause = (cause.getCause() != cause) ? cause.getCause()
				: null, depth++) {
			chain.append(" <- ").append(cause);
		}
		return chain.toString();
	}

	private List<String> secretProblems(String what, List<String> texts) {
		String hidden = this.secret;
		if (hidden == null) {
			return List.of();
		}
		return texts.stream().filter((text) -> text.contains(hidden)).limit(5)
			.map((text) -> what + " contains the secret: " + text.replace(hidden, "<SECRET>")).toList();
	}

	/**
	 * After close: within 20 s, no thread alive that was not in {@code baseline} (JVM-wide singletons excepted), no
	 * connection open through the proxy, none on the server.
	 */
	static void checkLeaks(ChaosBackend backend, Set<Thread> baseline, ScenarioResult result) throws Exception {
		List<String> threads = new ArrayList<>();
		try {
			await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
				threads.clear();
				threads.addAll(newThreads(baseline));
				return threads.isEmpty();
			});
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			// Reported below with the names.
		}
		result.check(ScenarioResult.THREADS,
				threads.isEmpty() ? List.of() : List.of("threads still alive 20 s after close: " + threads));
		List<String> connections = new ArrayList<>();
		try {
			await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
				connections.clear();
				int proxied = backend.proxy().getOpenConnectionCount();
				int server = backend.serverConnections();
				if (proxied != 0) {
					connections.add(proxied + " connection(s) still open through the proxy");
				}
				if (server > 0) {
					connections.add(server + " connection(s) still open on the server");
				}
				return connections.isEmpty();
			});
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			// Reported below.
		}
		result.check(ScenarioResult.CONNECTIONS, connections.stream().map((c) -> c + " 20 s after close").toList());
	}

	private static List<String> newThreads(Set<Thread> baseline) {
		List<String> names = new ArrayList<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (!baseline.contains(thread) && thread.isAlive()
					&& GLOBAL_THREADS.stream().noneMatch((prefix) -> thread.getName().startsWith(prefix))
					&& !thread.getName().startsWith("tcp-fault-proxy")) {
				names.add(thread.getName());
			}
		}
		Collections.sort(names);
		return names;
	}

	static long heapAfterGcMb() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
	}

	/** Heap after GC must not grow from repetition to repetition (16 MB or 25 % of slack for GC noise). */
	private static void checkHeap(ScenarioResult result) {
		List<Long> heap = result.heapAfterGcMb;
		if (heap.size() < 2) {
			result.notApplicable(ScenarioResult.HEAP, "one repetition (heap after GC: " + heap + " MB)");
			return;
		}
		long first = heap.get(0);
		long last = heap.get(heap.size() - 1);
		long slack = Math.max(16, first / 4);
		result.check(ScenarioResult.HEAP, (last - first > slack)
				? List.of("heap after GC grew from " + first + " MB to " + last + " MB over " + heap.size()
						+ " repetitions (slack " + slack + " MB)")
				: List.of());
	}

}
