package dev.flagstore.spring.metrics;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import dev.flagstore.changes.FlagChange;
import dev.flagstore.changes.FlagChange.Origin;
import dev.flagstore.changes.FlagChangeListener;
import dev.flagstore.changes.FlagTracker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer meters for a flagstore {@link FlagTracker}.
 *
 * <ul>
 * <li>{@value #CHANGES} (counter, tag {@code origin} = {@code local} or {@code remote}): item changes reported to the
 * tracker's listeners, dependents included.</li>
 * </ul>
 * <p>The lag timer {@code flagstore.changes.lag} comes with the change feeds. Usable without Spring: create it,
 * {@link #bindTo bind} it, and {@link #close() close} it when the store goes away. It subscribes to the tracker
 * when it is created. Thread-safe.
 */
public class FlagChangeMetrics implements MeterBinder, AutoCloseable {

	/** Name of the change counter. */
	public static final String CHANGES = "flagstore.changes";

	private final FlagTracker tracker;

	private final AtomicLong local = new AtomicLong();

	private final AtomicLong remote = new AtomicLong();

	private final FlagChangeListener counter = this::count;

	/**
	 * Creates the meters and subscribes to {@code tracker}.
	 * @param tracker the tracker; not {@code null}
	 */
	public FlagChangeMetrics(FlagTracker tracker) {
		this.tracker = Objects.requireNonNull(tracker, "tracker");
		tracker.addListener(this.counter);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		// Held strongly (by the registry through this binder): the counts live as long as the meters.
		register(registry, "local", this.local);
		register(registry, "remote", this.remote);
	}

	/**
	 * Unsubscribes from the tracker; the counters stop counting. Idempotent.
	 */
	@Override
	public void close() {
		this.tracker.removeListener(this.counter);
	}

	private void register(MeterRegistry registry, String origin, AtomicLong count) {
		FunctionCounter.builder(CHANGES, count, AtomicLong::get)
			.description("Item changes reported by the flagstore flag tracker, by where they were made")
			.tag("origin", origin)
			.register(registry);
	}

	private void count(FlagChange change) {
		((change.origin() == Origin.REMOTE) ? this.remote : this.local).incrementAndGet();
	}

}
