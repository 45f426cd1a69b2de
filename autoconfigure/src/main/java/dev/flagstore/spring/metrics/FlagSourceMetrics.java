package dev.flagstore.spring.metrics;

import java.util.Locale;
import java.util.Objects;

import dev.flagstore.source.FlagSourceState;
import dev.flagstore.source.FlagSourceStatusProvider;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer meters for the flag source: {@value #STATE} (gauge, tag {@code state} = {@code initializing},
 * {@code valid}, {@code interrupted} or {@code off}), 1 for the source's current state and 0 for the others.
 *
 * <p>The gauges read the status provider at every scrape and hold it weakly (it lives as long as the source's
 * runner). Usable without Spring. Thread-safe.
 */
public class FlagSourceMetrics implements MeterBinder {

	/** Name of the state gauge. */
	public static final String STATE = "flagstore.source.state";

	private final FlagSourceStatusProvider statusProvider;

	/**
	 * Creates meters for a source's status.
	 * @param statusProvider the source's status provider; not {@code null}
	 */
	public FlagSourceMetrics(FlagSourceStatusProvider statusProvider) {
		this.statusProvider = Objects.requireNonNull(statusProvider, "statusProvider");
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (FlagSourceState state : FlagSourceState.values()) {
			Gauge.builder(STATE, this.statusProvider, (provider) -> provider.getStatus().getState() == state ? 1 : 0)
				.description("Whether the flag source is in this state (1) or not (0)")
				.tag("state", state.name().toLowerCase(Locale.ROOT))
				.register(registry);
		}
	}

}
