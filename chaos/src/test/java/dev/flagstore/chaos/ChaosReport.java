package dev.flagstore.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Markdown report of one test JVM: every scenario run so far, rewritten after each one (so a run cut short
 * still leaves a report) to {@code chaos.report}. Thread-safe.
 */
final class ChaosReport {

	private static final List<ScenarioResult> results = new ArrayList<>();

	private static final Instant started = Instant.now();

	private ChaosReport() {
	}

	static synchronized void add(ScenarioResult result) {
		results.add(result);
		write(ChaosSettings.reportFile());
	}

	private static String verdict(ScenarioResult result) {
		if (!result.passed()) {
			return "**FAILED**";
		}
		long knownBugs = result.invariants().entrySet().stream()
			.filter((entry) -> !ScenarioResult.holds(entry.getValue()))
			.count();
		return (knownBugs == 0) ? "all hold" : "all hold except " + knownBugs + " known bug(s)";
	}

	private static void write(Path file) {
		StringBuilder md = new StringBuilder();
		md.append("# flagstore chaos report\n\n");
		md.append("Run started ").append(started.truncatedTo(ChronoUnit.SECONDS)).append(", written ")
			.append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append("; Java ")
			.append(System.getProperty("java.version")).append(", ").append(Runtime.getRuntime().availableProcessors())
			.append(" CPUs; chaos.duration=").append(ChaosSettings.longDuration()).append(", chaos.margin=")
			.append(ChaosSettings.margin()).append(".\n\n");
		md.append("Latencies in ms as p50 / p99 / max. Detection: store down → status unavailable. Recovery: store ")
			.append("back → status available (with FOREVER, after the write-back).\n\n");
		md.append("| scenario | store | duration | ops (reads / writes) | failed writes | outages injected | ")
			.append("status changes | detection | recovery | invariants |\n");
		md.append("|---|---|---|---|---|---|---|---|---|---|\n");
		for (ScenarioResult result : results) {
			md.append("| ").append(result.name).append(" | ").append(result.store).append(" | ")
				.append(result.duration.toSeconds()).append(" s | ").append(result.operations).append(" (")
				.append(result.reads).append(" / ").append(result.writes).append(") | ").append(result.writeFailures)
				.append(" | ").append(result.outagesInjected).append(" | ").append(result.statusChanges).append(" | ")
				.append(ScenarioResult.percentiles(result.detectionMillis)).append(" | ")
				.append(ScenarioResult.percentiles(result.recoveryMillis)).append(" | ")
				.append(verdict(result)).append(" |\n");
		}
		for (ScenarioResult result : results) {
			md.append("\n## ").append(result.name).append("\n\n");
			md.append("- Store: ").append(result.store).append("\n");
			md.append("- Settings: ").append(result.settings).append("\n");
			md.append("- Repetitions: ").append(result.repetitions).append("; total duration ")
				.append(result.duration.toSeconds()).append(" s\n");
			md.append("- Operations: ").append(result.operations).append(" (reads ").append(result.reads)
				.append(", of which failed get ").append(result.readFailures).append(" and failed getAll ")
				.append(result.getAllFailures).append("; upserts ").append(result.writes).append(", of which failed ")
				.append(result.writeFailures).append(" and rejected as older ").append(result.rejected)
				.append("); version checks by readers ").append(result.monotonicChecks).append("\n");
			md.append("- Outages injected: ").append(result.outagesInjected).append("; status changes seen (per ")
				.append("instance, summed): ").append(result.statusChanges).append("; outages too short to be seen: ")
				.append(result.undetectedOutages).append("; outages seen only after the store was back (a call caught in ")
				.append("the outage failing late): ").append(result.lateDetections)
				.append("; store back and down again before the status recovered: ")
				.append(result.unrecoveredBeforeNextOutage).append("\n");
			md.append("- Detection latency (ms, p50 / p99 / max, n=").append(result.detectionMillis.size()).append("): ")
				.append(ScenarioResult.percentiles(result.detectionMillis)).append("; bound ")
				.append(result.detectionBound.toMillis()).append(" ms\n");
			md.append("- Recovery latency (ms, p50 / p99 / max, n=").append(result.recoveryMillis.size()).append("): ")
				.append(ScenarioResult.percentiles(result.recoveryMillis)).append("; bound ")
				.append(result.recoveryBound.toMillis()).append(" ms")
				.append((result.recoveryBoundNote != null) ? " + " + result.recoveryBoundNote + " (recoveries that needed "
						+ "it: " + result.backoffExcused + ")" : "")
				.append("\n");
			md.append("- Longest disagreement between status and reality: ").append(result.worstMismatchMillis)
				.append(" ms after the change\n");
			Duration waitBound = result.waitBound;
			result.callerWaits.forEach((label, waits) -> md.append("- Callers' wait, ").append(label)
				.append(" (ms, p50 / p99 / max, n=").append(waits.length).append("): ")
				.append(ScenarioResult.percentilesMillis(waits))
				.append((waitBound != null) ? "; bound " + waitBound.toMillis() + " ms" : "").append("\n"));
			if (!result.threadMaxima.isEmpty()) {
				md.append("- Most live flagstore threads at once (").append(result.threadSamples).append(" samples): ");
				StringBuilder pools = new StringBuilder();
				result.threadMaxima.forEach((pool, max) -> pools.append((pools.length() > 0) ? ", " : "").append(pool)
					.append(" ").append(max).append(" (bound ").append(result.threadBounds.get(pool)).append(")"));
				md.append(pools).append("\n");
			}
			result.notes.forEach((note) -> md.append("- ").append(note).append("\n"));
			if (result.logLinesChecked > 0) {
				md.append("- Log lines checked for the secret (all loggers at DEBUG): ").append(result.logLinesChecked)
					.append("\n");
			}
			md.append("- Heap after GC at the end of each repetition (MB): ").append(result.heapAfterGcMb).append("\n\n");
			md.append("| invariant | result |\n|---|---|\n");
			for (Map.Entry<String, List<String>> entry : result.invariants().entrySet()) {
				List<String> problems = entry.getValue();
				String bug = result.knownBugOf(entry.getKey());
				String verdict = problems.isEmpty() ? "holds"
						: ScenarioResult.holds(problems) ? problems.get(0)
								: ((bug != null) ? "**violated (known bug: " + bug + ")**: " : "**violated**: ")
										+ String.join("; ", problems).replace("|", "\\|");
				md.append("| ").append(entry.getKey()).append(" | ").append(verdict).append(" |\n");
			}
		}
		try {
			Path parent = file.toAbsolutePath().getParent();
			if (parent != null) {
				Files.createDirectories(parent);
			}
			Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
