package dev.flagstore.chaos;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The knobs of the suite, from system properties: {@code chaos.duration} (length of the long flapping scenarios,
 * default two minutes; the other long scenarios scale with it), {@code chaos.margin} (slack added to every status
 * bound, default 1 s, for a shared, busy machine), {@code chaos.report} (where the Markdown report goes) and
 * {@code chaos.trace} ({@code true}: print every fault and every exception that reaches the application, with its
 * cause chain and a timestamp, to the test output, to find out why a bound was missed).
 */
final class ChaosSettings {

	private ChaosSettings() {
	}

	static Duration longDuration() {
		return Duration.parse(System.getProperty("chaos.duration", "PT2M"));
	}

	static Duration margin() {
		return Duration.parse(System.getProperty("chaos.margin", "PT1S"));
	}

	static boolean trace() {
		return Boolean.getBoolean("chaos.trace");
	}

	static Path reportFile() {
		return Path.of(System.getProperty("chaos.report", "target/chaos-report.md"));
	}

}
