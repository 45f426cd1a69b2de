package dev.flagstore.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns JMH's JSON results ({@code -rf json}) into the Markdown tables of {@code docs/performance.md}: each score
 * next to the baseline measured in the same run, as a ratio, and the targets marked met or missed.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.flagstore.benchmarks.ResultsTable OUT.md RESULT.json...}. Rows whose
 * benchmark was not run are left out.
 */
public final class ResultsTable {

	private static final String PKG = "dev.flagstore.benchmarks.";

	private final List<Result> results;

	private final StringBuilder out = new StringBuilder();

	private ResultsTable(List<Result> results) {
		this.results = results;
	}

	/**
	 * Writes the tables.
	 * @param args the output file, then one or more JMH JSON result files
	 * @throws IOException if a file cannot be read or written
	 */
	public static void main(String[] args) throws IOException {
		if (args.length < 2) {
			throw new IllegalArgumentException("usage: ResultsTable OUT.md RESULT.json...");
		}
		JsonMapper mapper = JsonMapper.builder().build();
		List<Result> results = new ArrayList<>();
		for (int i = 1; i < args.length; i++) {
			for (JsonNode node : mapper.readTree(Files.readString(Path.of(args[i]), StandardCharsets.UTF_8))) {
				results.add(Result.of(node));
			}
		}
		ResultsTable table = new ResultsTable(results);
		table.render();
		Files.writeString(Path.of(args[0]), table.out.toString(), StandardCharsets.UTF_8);
	}

	private void render() {
		warmGet();
		uncached();
		getAll();
		status();
		health();
	}

	private void warmGet() {
		List<Integer> threads = threads("WarmGetBenchmark.get");
		if (threads.isEmpty()) {
			return;
		}
		line("### 1. Warm-cache get (1,000 flags, random keys): hits and cached misses");
		line("");
		line("Time per read, lower is better; *B/op* is what a read allocates (JMH's `-prof gc`, `gc.alloc.rate.norm`). "
				+ "*vs LaunchDarkly* and *vs map* are speed ratios (baseline time / our time, higher is better) against "
				+ "LaunchDarkly's store of the same kind (wrapper in the same cache mode, or in-memory store) and against a "
				+ "bare `ConcurrentHashMap.get`, measured in the same run; the range after each ratio is what the 99.9 % "
				+ "error bars of both scores allow. A verdict is ✅ or ❌ only when the whole range is on one side of the "
				+ "target, else ❔ (inconclusive). Targets for our wrappers: hit ≥ 3× LaunchDarkly's wrapper, ≥ 0.5× the "
				+ "map (FOREVER, \"within 2×\") or ≥ 0.33× (TTL, \"within 3×\"), 0 B/op; miss (a key no store holds, its "
				+ "absence cached) ≥ 1× LaunchDarkly's wrapper.");
		for (String method : List.of("get", "getMiss")) {
			boolean hit = method.equals("get");
			line("");
			line(hit ? "**Hits** (`WarmGetBenchmark.get`)" : "**Cached misses** (`WarmGetBenchmark.getMiss`)");
			line("");
			line("| store | threads | ns/op | ± (99.9 %) | B/op | vs LaunchDarkly | vs map |");
			line("|---|---:|---:|---:|---:|---:|---:|");
			String[][] rows = { { "flagstoreTtl", "launchDarklyTtl", "flagstore wrapper, TTL" },
					{ "flagstoreForever", "launchDarklyForever", "flagstore wrapper, FOREVER" },
					{ "inMemoryDataStore", "launchDarklyInMemory", "flagstore InMemoryDataStore" },
					{ "launchDarklyInMemory", "", "LaunchDarkly InMemoryDataStore" },
					{ "launchDarklyTtl", "", "LaunchDarkly wrapper, TTL" },
					{ "launchDarklyForever", "", "LaunchDarkly wrapper, forever" },
					{ "concurrentHashMap", "", "bare ConcurrentHashMap (floor)" } };
			String benchmark = "WarmGetBenchmark." + method;
			for (int t : threads) {
				for (String[] row : rows) {
					Optional<Result> result = find(benchmark, t, row[0]);
					if (result.isEmpty()) {
						continue;
					}
					Result ours = result.get();
					boolean wrapper = isOurWrapper(row[0]);
					double ldTarget = wrapper ? (hit ? 3.0 : 1.0) : 0;
					double mapTarget = (wrapper && hit) ? (row[0].equals("flagstoreForever") ? 0.5 : 1.0 / 3) : 0;
					String vsLd = row[1].isEmpty() ? ""
							: find(benchmark, t, row[1]).map(ld -> ratio(ld, ours, ldTarget)).orElse("");
					String vsMap = find(benchmark, t, "concurrentHashMap").map(map -> ratio(map, ours, mapTarget))
						.orElse("");
					double bytes = ours.allocated;
					String alloc = Double.isNaN(bytes) ? "–"
							: String.format(Locale.ROOT, "%.1f", bytes) + ((wrapper && hit) ? " " + mark(bytes < 0.5) : "");
					line("| " + row[2] + " | " + t + " | " + num(ours.score) + " | " + num(ours.error) + " | " + alloc
							+ " | " + vsLd + " | " + vsMap + " |");
				}
			}
		}
		line("");
	}

	/**
	 * The speed ratio {@code base / ours} with the range the error bars allow, and a verdict against {@code target}
	 * (none when it is zero): met or missed only when the whole range says so.
	 */
	private static String ratio(Result base, Result ours, double target) {
		double mid = base.score / ours.score;
		double low = (base.score - err(base)) / (ours.score + err(ours));
		double high = (base.score + err(base)) / Math.max(ours.score - err(ours), 1e-9);
		String text = String.format(Locale.ROOT, "%.2f× (%.2f–%s)", mid, Math.max(low, 0),
				(ours.score - err(ours) <= 0) ? "∞" : String.format(Locale.ROOT, "%.2f", high));
		if (target <= 0) {
			return text;
		}
		return text + " " + ((low >= target) ? "✅" : (high < target) ? "❌" : "❔");
	}

	/** The overhead {@code (ours - base) / base} with the range the error bars allow, and a verdict. */
	private static String overheadRange(Result ours, Result base, double target) {
		double mid = (ours.score - base.score) / base.score;
		double low = (ours.score - err(ours) - base.score - err(base)) / (base.score + err(base));
		double high = (ours.score + err(ours) - base.score + err(base)) / Math.max(base.score - err(base), 1e-9);
		String text = String.format(Locale.ROOT, "%+.1f %% (%+.1f to %+.1f)", mid * 100, low * 100, high * 100);
		return text + " " + ((high <= target) ? "✅" : (low > target) ? "❌" : "❔");
	}

	private static double err(Result result) {
		return Double.isNaN(result.error) ? 0 : result.error;
	}

	private static boolean isOurWrapper(String impl) {
		return impl.equals("flagstoreTtl") || impl.equals("flagstoreForever");
	}

	private void uncached() {
		List<Integer> threads = threads("UncachedBenchmark.get");
		threads.addAll(threads("UncachedBenchmark.upsert").stream().filter(t -> !threads.contains(t)).toList());
		if (threads.isEmpty()) {
			return;
		}
		line("### 2. Uncached get and upsert over an in-memory store: the wrapper's cost per store call");
		line("");
		line("`CacheMode.NONE`, so every call reaches the store (an in-memory map: no I/O, the worst case for a "
				+ "relative overhead). The bare path decodes/encodes the item with the same codec. *Overhead* is "
				+ "(wrapper − bare) / bare, with the range the 99.9 % error bars allow; target ≤ 5 %. *pool*: the "
				+ "default 2 s deadline, the call runs on the store-call pool; *no deadline*: "
				+ "`operationTimeout(Duration.ZERO)`, on the caller's thread; *non-blocking*: the store has "
				+ "`NonBlockingReads` answering at once, so a read starts on the caller's thread with the 2 s deadline "
				+ "(writes have no non-blocking form: that column repeats the pool's path); *non-blocking, no deadline*: "
				+ "that without the deadline (what scheduling and cancelling each call's deadline costs).");
		line("");
		line("| operation | threads | bare ns/op | pool ns/op | overhead | no deadline ns/op | overhead | non-blocking "
				+ "ns/op | overhead | non-blocking, no deadline ns/op | overhead |");
		line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
		for (String op : List.of("get", "upsert")) {
			for (int t : threads) {
				Optional<Result> bare = find("UncachedBenchmark." + op, t, "bareStore");
				if (bare.isEmpty()) {
					continue;
				}
				StringBuilder row = new StringBuilder("| " + op + " | " + t + " | " + num(bare.get().score) + " ± "
						+ num(err(bare.get())));
				for (String impl : List.of("flagstore", "flagstoreNoDeadline", "flagstoreNonBlocking",
						"flagstoreNonBlockingNoDeadline")) {
					Optional<Result> r = find("UncachedBenchmark." + op, t, impl);
					row.append(" | ").append(r.map(x -> num(x.score) + " ± " + num(err(x))).orElse("")).append(" | ")
						.append(r.map(x -> overheadRange(x, bare.get(), 0.05)).orElse(""));
				}
				line(row + " |");
			}
		}
		line("");
		redis();
		failures();
	}

	private void redis() {
		List<Integer> threads = threads("RedisUncachedBenchmark.get");
		if (threads.isEmpty()) {
			return;
		}
		line("### 2b. Uncached get from Redis on loopback: the wrapper's cost per read");
		line("");
		line("`CacheMode.NONE` over `RedisPersistentDataStore` (Lettuce, shared connection) and a local Redis server. "
				+ "*bare, blocking*: `RedisPersistentDataStore.get` (`StringRedisTemplate`, HGET) and decode; *bare, "
				+ "async*: the same store's `getAsync` (HGET through Lettuce's asynchronous API), waited for, and decode; "
				+ "*flagstore*: our wrapper with the default 2 s deadline, the read started on the caller's thread "
				+ "(`NonBlockingReads`); *flagstore, pool*: our wrapper over a view of the store without "
				+ "`NonBlockingReads` (the blocking get on the store-call pool). Target: ≤ 5 % over the bare store.");
		line("");
		line("| read | threads | ns/op | ± (99.9 %) | B/op | vs bare, blocking | vs bare, async |");
		line("|---|---:|---:|---:|---:|---:|---:|");
		String[][] rows = { { "bareStore", "bare, blocking" }, { "bareAsync", "bare, async" },
				{ "flagstore", "flagstore (non-blocking)" }, { "flagstoreBlocking", "flagstore, pool" } };
		for (int t : threads) {
			Optional<Result> blocking = find("RedisUncachedBenchmark.get", t, "bareStore");
			Optional<Result> async = find("RedisUncachedBenchmark.get", t, "bareAsync");
			for (String[] row : rows) {
				Optional<Result> result = find("RedisUncachedBenchmark.get", t, row[0]);
				if (result.isEmpty()) {
					continue;
				}
				Result r = result.get();
				boolean ours = row[0].startsWith("flagstore");
				line("| " + row[1] + " | " + t + " | " + num(r.score) + " | " + num(r.error) + " | "
						+ (Double.isNaN(r.allocated) ? "–" : num(r.allocated)) + " | "
						+ (ours ? blocking.map(b -> overheadRange(r, b, 0.05)).orElse("") : "") + " | "
						+ (ours ? async.map(b -> overheadRange(r, b, 0.05)).orElse("") : "") + " |");
			}
		}
		line("");
	}

	private void failures() {
		List<Result> rows = this.results.stream().filter(r -> r.benchmark.startsWith("FailureBenchmark.")).toList();
		if (rows.isEmpty()) {
			return;
		}
		line("### 2c. Reads that cannot be answered");
		line("");
		line("What the caller pays to get its `DataStoreException`. *Bulkhead rejection*: one permit "
				+ "(`maxConcurrentCalls(1)`), held by a store call that does not return; an uncached read is refused "
				+ "without reaching the store. *Outage miss*: the store throws at once on every call (status already "
				+ "unavailable); a read the TTL cache does not hold goes to it and fails. *pool*: default 2 s deadline "
				+ "(store-call pool); *inline*: no deadline; *non-blocking*: the store's `NonBlockingReads` answer a "
				+ "failed future at once. No target: reported as asked.");
		line("");
		line("| read | call | threads | ns/op | ± (99.9 %) | B/op |");
		line("|---|---|---:|---:|---:|---:|");
		for (Result r : rows) {
			String name = r.benchmark.substring("FailureBenchmark.".length());
			line("| " + (name.equals("bulkheadRejection") ? "bulkhead rejection" : "outage miss") + " | "
					+ (r.param("call").isEmpty() ? "(pool or non-blocking: refused first)" : r.param("call")) + " | "
					+ r.threads + " | " + num(r.score) + " | " + num(r.error) + " | "
					+ (Double.isNaN(r.allocated) ? "–" : num(r.allocated)) + " |");
		}
		line("");
	}

	private void getAll() {
		List<Integer> threads = threads("GetAllBenchmark.getAll");
		if (threads.isEmpty()) {
			return;
		}
		line("### 3. getAll of a kind (1,000 flags)");
		line("");
		line("Cached stores against LaunchDarkly's wrapper in the same mode (speed ratio, higher is better); the "
				+ "uncached wrapper against the bare store plus decoding every item (overhead).");
		line("");
		line("| store | threads | ns/op | ± (99.9 %) | compared with | ratio |");
		line("|---|---:|---:|---:|---|---:|");
		String[][] rows = { { "flagstoreTtl", "launchDarklyTtl", "flagstore wrapper, TTL" },
				{ "flagstoreForever", "launchDarklyForever", "flagstore wrapper, FOREVER" },
				{ "inMemoryDataStore", "launchDarklyInMemory", "flagstore InMemoryDataStore" },
				{ "launchDarklyInMemory", "", "LaunchDarkly InMemoryDataStore" },
				{ "launchDarklyTtl", "", "LaunchDarkly wrapper, TTL" },
				{ "launchDarklyForever", "", "LaunchDarkly wrapper, forever" },
				{ "flagstoreUncached", "bareStore", "flagstore wrapper, NONE (uncached)" },
				{ "bareStore", "", "bare store + decode" } };
		for (int t : threads) {
			for (String[] row : rows) {
				Optional<Result> result = find("GetAllBenchmark.getAll", t, row[0]);
				if (result.isEmpty()) {
					continue;
				}
				double score = result.get().score;
				String compared = "";
				String ratio = "";
				if (!row[1].isEmpty()) {
					Optional<Result> base = find("GetAllBenchmark.getAll", t, row[1]);
					if (base.isPresent()) {
						compared = row[1];
						ratio = row[1].equals("bareStore") ? overhead(score, base.get().score, 0.05)
								: speed(base.get().score / score, 0);
					}
				}
				line("| " + row[2] + " | " + t + " | " + num(score) + " | " + num(result.get().error) + " | "
						+ compared + " | " + ratio + " |");
			}
		}
		line("");
	}

	private void status() {
		List<Result> rows = this.results.stream().filter(r -> r.benchmark.startsWith("StatusBenchmark.")).toList();
		if (rows.isEmpty()) {
			return;
		}
		line("### 4. Status machinery (latency percentiles, one thread)");
		line("");
		line("Target: listener notified ≤ 5 ms (5,000 µs) at p99 after the change. Recovery is found by the "
				+ "poller, so it is bounded by the poll interval (here " + rows.get(0).param("pollIntervalMillis")
				+ " ms; default 500 ms) rather than by a target.");
		line("");
		line("| measure | samples | mean µs | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs | target |");
		line("|---|---:|---:|---:|---:|---:|---:|---:|---|");
		for (String name : List.of("changeToListener", "failureToListener", "storeAnswersToRecovered")) {
			for (Result r : rows) {
				if (!r.benchmark.equals("StatusBenchmark." + name)) {
					continue;
				}
				double factor = micros(r.unit);
				double p99 = r.percentile("99.0") * factor;
				String target = switch (name) {
					case "storeAnswersToRecovered" -> "(no target; p99 ≤ poll interval + 10 %: "
							+ mark(p99 <= 1100.0 * Integer.parseInt(r.param("pollIntervalMillis"))) + ")";
					default -> mark(p99 <= 5000) + " p99 ≤ 5,000 µs";
				};
				line("| " + name + " | " + r.samples + " | " + num(r.score * factor) + " | "
						+ num(r.percentile("50.0") * factor) + " | " + num(r.percentile("90.0") * factor) + " | "
						+ num(p99) + " | " + num(r.percentile("99.9") * factor) + " | "
						+ num(r.percentile("100.0") * factor) + " | " + target + " |");
			}
		}
		line("");
	}

	private void health() {
		List<Result> rows = this.results.stream().filter(r -> r.benchmark.startsWith("HealthBenchmark.")).toList();
		if (rows.isEmpty()) {
			return;
		}
		line("### 5. Health indicator");
		line("");
		line("`FlagstoreHealthIndicator.health()` over a wrapper's status provider (latency percentiles, one "
				+ "thread); `getStatus` is the status read alone. Target: p99 ≤ 50 µs.");
		line("");
		line("| call | status | samples | mean ns | p50 ns | p99 ns | p99.9 ns | p99.99 ns | target |");
		line("|---|---|---:|---:|---:|---:|---:|---:|---|");
		for (Result r : rows) {
			double factor = micros(r.unit) * 1000;
			double p99 = r.percentile("99.0") * factor;
			String name = r.benchmark.substring("HealthBenchmark.".length());
			line("| " + name + " | " + r.param("status") + " | " + r.samples + " | " + num(r.score * factor) + " | "
					+ num(r.percentile("50.0") * factor) + " | " + num(p99) + " | "
					+ num(r.percentile("99.9") * factor) + " | " + num(r.percentile("99.99") * factor) + " | "
					+ (name.equals("health") ? mark(p99 <= 50_000) + " p99 ≤ 50,000 ns" : "") + " |");
		}
		line("");
	}

	private List<Integer> threads(String benchmark) {
		return new ArrayList<>(this.results.stream().filter(r -> r.benchmark.equals(benchmark)).map(r -> r.threads)
			.distinct().sorted().toList());
	}

	private Optional<Result> find(String benchmark, int threads, String impl) {
		Predicate<Result> match = r -> r.benchmark.equals(benchmark) && r.threads == threads
				&& r.param("impl").equals(impl) && !r.param("codec").equals("raw");
		return this.results.stream().filter(match).findFirst();
	}

	private void line(String text) {
		this.out.append(text).append('\n');
	}

	private static String speed(double ratio, double target) {
		String text = String.format(Locale.ROOT, "%.2f×", ratio);
		return (target > 0) ? text + " " + mark(ratio >= target) : text;
	}

	private static String overhead(double score, double base, double target) {
		double overhead = (score - base) / base;
		return String.format(Locale.ROOT, "%+.1f %%", overhead * 100) + " " + mark(overhead <= target);
	}

	private static String mark(boolean met) {
		return met ? "✅" : "❌";
	}

	private static String num(double value) {
		if (Double.isNaN(value)) {
			return "–";
		}
		if (value >= 100) {
			return String.format(Locale.ROOT, "%,.0f", value);
		}
		if (value >= 10) {
			return String.format(Locale.ROOT, "%.1f", value);
		}
		return String.format(Locale.ROOT, "%.2f", value);
	}

	/** Factor from the unit to microseconds. */
	private static double micros(String unit) {
		return switch (unit) {
			case "ns/op" -> 0.001;
			case "us/op" -> 1;
			case "ms/op" -> 1000;
			case "s/op" -> 1_000_000;
			default -> throw new IllegalArgumentException("unexpected unit " + unit);
		};
	}

	/** One JMH result row. */
	private record Result(String benchmark, int threads, JsonNode params, double score, double error, String unit,
			long samples, @Nullable JsonNode percentiles, double allocated) {

		static Result of(JsonNode node) {
			String name = node.path("benchmark").asString();
			JsonNode metric = node.path("primaryMetric");
			long samples = 0;
			JsonNode raw = metric.path("rawDataHistogram");
			for (JsonNode fork : raw) {
				for (JsonNode iteration : fork) {
					for (JsonNode bucket : iteration) {
						samples += bucket.path(1).asLong();
					}
				}
			}
			JsonNode percentiles = metric.get("scorePercentiles");
			JsonNode secondary = node.path("secondaryMetrics");
			JsonNode allocation = secondary.has("gc.alloc.rate.norm") ? secondary.path("gc.alloc.rate.norm")
					: secondary.path("\u00b7gc.alloc.rate.norm");
			double allocated = allocation.isMissingNode() ? Double.NaN : number(allocation.path("score"));
			return new Result(name.startsWith(PKG) ? name.substring(PKG.length()) : name, node.path("threads").asInt(),
					node.path("params"), number(metric.path("score")), number(metric.path("scoreError")),
					metric.path("scoreUnit").asString(), samples, percentiles, allocated);
		}

		/** JMH writes a number, or the string "NaN" (for example the error of a single iteration). */
		static double number(JsonNode node) {
			return node.isNumber() ? node.doubleValue() : Double.NaN;
		}

		String param(String name) {
			return this.params.path(name).asString("");
		}

		double percentile(String key) {
			return (this.percentiles != null) ? number(this.percentiles.path(key)) : Double.NaN;
		}

	}

}
