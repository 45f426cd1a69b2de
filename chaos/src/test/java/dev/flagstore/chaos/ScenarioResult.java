package dev.flagstore.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What one scenario did and found, over all its repetitions: counts, latencies and the verdict of each invariant.
 * Not thread-safe; filled by the scenario's own thread.
 */
final class ScenarioResult {

	/** The invariants every scenario checks (a scenario may mark one not applicable). */
	static final String STATUS_TRUTH = "status matches reality within bounds";

	static final String LISTENERS = "every change reached every listener, in order";

	static final String MONOTONIC = "no version goes backwards for readers";

	static final String MONOTONIC_ACROSS = "no version goes backwards between getAll and get";

	static final String NEVER_ABSENT = "no read answers absent because the store failed";

	static final String WRITE_ERRORS = "failed writes throw DataStoreException";

	static final String READS = "reads the cache can answer never throw";

	static final String NOTHING_LOST = "nothing lost (store holds the last written version)";

	static final String REFRESH = "refreshNeeded as the rules say";

	static final String THREADS = "no thread leak";

	static final String CONNECTIONS = "no connection leak";

	static final String HEAP = "heap stable across repetitions";

	static final String NO_HANG = "application threads never hang";

	static final String SECRETS = "no secret in status, health, events, exceptions, logs";

	static final String WAIT_BOUND = "no caller waits longer than the operation timeout + 50 ms";

	static final String THREAD_BOUND = "live flagstore threads stay within the bound";

	static final String READ_ERRORS = "failed reads throw DataStoreException";

	static final String RIGHT_ITEM = "every read answers the item of the key it asked for";

	final String name;

	final String store;

	final String settings;

	Duration duration = Duration.ZERO;

	int repetitions;

	long operations;

	long reads;

	long readFailures;

	long getAllFailures;

	long writes;

	long writeFailures;

	long rejected;

	long monotonicChecks;

	int outagesInjected;

	long logLinesChecked;

	int statusChanges;

	int undetectedOutages;

	int lateDetections;

	int unrecoveredBeforeNextOutage;

	long worstMismatchMillis;

	Duration detectionBound = Duration.ZERO;

	Duration recoveryBound = Duration.ZERO;

	/** Recoveries later than {@link #recoveryBound} alone but within the client's reconnect back-off on top. */
	int backoffExcused;

	/** What each outage adds to {@link #recoveryBound} (the client's reconnect back-off), or {@code null}. */
	@Nullable String recoveryBoundNote;

	/**
	 * Callers' wall time per read, where a scenario measures it (the default-timeouts scenario): label (such as
	 * "all reads", "reads during the blackhole") to the sorted wall times in nanoseconds.
	 */
	final Map<String, long[]> callerWaits = new LinkedHashMap<>();

	/** The longest a caller may wait, where {@link #callerWaits} is measured. */
	@Nullable Duration waitBound;

	/** Most live flagstore threads seen at once per pool (and "total"), where a scenario samples them. */
	final Map<String, Integer> threadMaxima = new LinkedHashMap<>();

	/** The bound of each pool in {@link #threadMaxima}. */
	final Map<String, Integer> threadBounds = new LinkedHashMap<>();

	int threadSamples;

	/** Free-form lines a scenario adds to its report section (per-phase counts, cache statistics). */
	final List<String> notes = new ArrayList<>();

	final List<Long> detectionMillis = new ArrayList<>();

	final List<Long> recoveryMillis = new ArrayList<>();

	final List<Long> heapAfterGcMb = new ArrayList<>();

	private final Map<String, List<String>> invariants = new LinkedHashMap<>();

	private final Map<String, String> knownBugs = new LinkedHashMap<>();

	ScenarioResult(String name, String store, String settings) {
		this.name = name;
		this.store = store;
		this.settings = settings;
	}

	/** Records that {@code invariant} was checked; {@code problems} empty means it held. */
	void check(String invariant, List<String> problems) {
		List<String> all = this.invariants.computeIfAbsent(invariant, (key) -> new ArrayList<>());
		for (String problem : problems) {
			if (all.size() < 10) {
				all.add(problem);
			}
		}
	}

	/** Violations of {@code invariant} are a known bug (reported, not failing the scenario). */
	void knownBug(String invariant, String bug) {
		this.knownBugs.put(invariant, bug);
	}

	@Nullable String knownBugOf(String invariant) {
		return this.knownBugs.get(invariant);
	}

	void notApplicable(String invariant, String why) {
		this.invariants.putIfAbsent(invariant, new ArrayList<>(List.of("n/a: " + why)));
	}

	Map<String, List<String>> invariants() {
		return Collections.unmodifiableMap(this.invariants);
	}

	boolean passed() {
		return this.invariants.entrySet()
			.stream()
			.allMatch((entry) -> holds(entry.getValue()) || this.knownBugs.containsKey(entry.getKey()));
	}

	static boolean holds(List<String> problems) {
		return problems.isEmpty() || (problems.size() == 1 && problems.get(0).startsWith("n/a: "));
	}

	/** The failed invariants and their problems, for an assertion message. */
	String failures() {
		StringBuilder text = new StringBuilder();
		this.invariants.forEach((invariant, problems) -> {
			if (!holds(problems) && !this.knownBugs.containsKey(invariant)) {
				text.append("\n- ").append(invariant).append(":");
				problems.forEach((problem) -> text.append("\n    ").append(problem));
			}
		});
		return text.toString();
	}

	static String percentiles(List<Long> values) {
		if (values.isEmpty()) {
			return "– / – / –";
		}
		List<Long> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		return percentile(sorted, 50) + " / " + percentile(sorted, 99) + " / " + sorted.get(sorted.size() - 1);
	}

	/** p50 / p99 / max of sorted nanosecond values, in ms with one decimal. */
	static String percentilesMillis(long[] sortedNanos) {
		if (sortedNanos.length == 0) {
			return "– / – / –";
		}
		return millis(sortedNanos[index(sortedNanos.length, 50)]) + " / " + millis(sortedNanos[index(sortedNanos.length, 99)])
				+ " / " + millis(sortedNanos[sortedNanos.length - 1]);
	}

	static String millis(long nanos) {
		return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
	}

	private static int index(int size, int p) {
		return Math.max(0, Math.min(size - 1, (int) Math.ceil(p / 100.0 * size) - 1));
	}

	private static long percentile(List<Long> sorted, int p) {
		int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
	}

}
