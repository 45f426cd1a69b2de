package dev.flagstore.spring.metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusListener;
import dev.flagstore.status.DataStoreStatusProvider;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.PersistentDataStoreWrapper;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

/**
 * Micrometer meters for a flagstore data store: its status, its status changes, the current outage and its caches.
 *
 * <ul>
 * <li>{@value #AVAILABLE} (gauge): 1 while the store is available, 0 while it is not.</li>
 * <li>{@value #REFRESH_NEEDED} (gauge): 1 while the store may hold out-of-date data after an outage, else 0.</li>
 * <li>{@value #STATUS_CHANGES} (counter, tag {@code state} = {@code available}, {@code unavailable} or
 * {@code refresh_needed}): status changes, by the state changed to.</li>
 * <li>{@value #OUTAGE_DURATION} (time gauge): how long the store has been unavailable; 0 while it is available.</li>
 * <li>Caffeine cache meters ({@code cache.gets}, {@code cache.puts}, {@code cache.evictions},
 * {@code cache.size}, {@code cache.load.duration}, ...) with tag {@code cache} = {@code flagstore-items} or
 * {@code flagstore-all-items}, when the store caches.</li>
 * </ul>
 * <p>All tags have a fixed, small set of values. Usable without Spring: create it, {@link #bindTo bind} it, and
 * {@link #close() close} it when the store goes away. It subscribes to the status provider when it is created.
 * Thread-safe.
 */
public class FlagstoreMetrics implements MeterBinder, AutoCloseable {

	/** Name of the availability gauge. */
	public static final String AVAILABLE = "flagstore.store.available";

	/** Name of the refresh-needed gauge. */
	public static final String REFRESH_NEEDED = "flagstore.store.refresh.needed";

	/** Name of the status-change counter. */
	public static final String STATUS_CHANGES = "flagstore.store.status.changes";

	/** Name of the current-outage time gauge. */
	public static final String OUTAGE_DURATION = "flagstore.store.outage.duration";

	private static final String CACHE_NAME_PREFIX = "flagstore-";

	private final DataStoreStatusProvider statusProvider;

	private final Map<String, Cache<?, ?>> caches;

	private final Clock clock;

	private final AtomicLong changesToAvailable = new AtomicLong();

	private final AtomicLong changesToUnavailable = new AtomicLong();

	private final AtomicLong changesToRefreshNeeded = new AtomicLong();

	private final DataStoreStatusListener changeCounter = this::count;

	/**
	 * Creates meters for a store's status only (no cache meters).
	 * @param statusProvider the store's status provider; not {@code null}
	 */
	public FlagstoreMetrics(DataStoreStatusProvider statusProvider) {
		this(statusProvider, Map.of());
	}

	/**
	 * Creates meters for a store's status and its caches.
	 * @param statusProvider the store's status provider; not {@code null}
	 * @param caches the caches by name (as {@link PersistentDataStoreWrapper#getCaches()} answers); Caffeine
	 * caches built with {@code recordStats()}; not {@code null}
	 */
	public FlagstoreMetrics(DataStoreStatusProvider statusProvider, Map<String, ? extends Cache<?, ?>> caches) {
		this(statusProvider, caches, Clock.systemUTC());
	}

	FlagstoreMetrics(DataStoreStatusProvider statusProvider, Map<String, ? extends Cache<?, ?>> caches, Clock clock) {
		this.statusProvider = Objects.requireNonNull(statusProvider, "statusProvider");
		this.caches = new LinkedHashMap<>(Objects.requireNonNull(caches, "caches"));
		this.clock = Objects.requireNonNull(clock, "clock");
		statusProvider.addStatusListener(this.changeCounter);
	}

	/**
	 * Creates meters for {@code store}: its status, and its caches when it is a {@link PersistentDataStoreWrapper}.
	 * @param store the store; not {@code null}
	 * @return the meters, not yet bound
	 */
	public static FlagstoreMetrics of(DataStore store) {
		Objects.requireNonNull(store, "store");
		Map<String, Cache<?, ?>> caches = (store instanceof PersistentDataStoreWrapper wrapper) ? wrapper.getCaches()
				: Map.of();
		return new FlagstoreMetrics(store.getStatusProvider(), caches);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(AVAILABLE, this.statusProvider, (provider) -> provider.getStatus().isAvailable() ? 1 : 0)
			.description("Whether the flagstore persistent store is available (1) or not (0)")
			.register(registry);
		Gauge.builder(REFRESH_NEEDED, this.statusProvider, (provider) -> provider.getStatus().isRefreshNeeded() ? 1 : 0)
			.description("Whether the flagstore store may hold out-of-date data after an outage and should be "
					+ "re-synced (1) or not (0)")
			.register(registry);
		// Held strongly: the registry then keeps this binder, and with it the counts the counters read, alive even
		// when the caller drops its reference (the status gauges point at the provider, which the store keeps).
		TimeGauge.builder(OUTAGE_DURATION, this, TimeUnit.MILLISECONDS, FlagstoreMetrics::currentOutageMillis)
			.description("How long the flagstore persistent store has been unavailable; 0 while it is available")
			.strongReference(true)
			.register(registry);
		registerChangeCounter(registry, "available", this.changesToAvailable);
		registerChangeCounter(registry, "unavailable", this.changesToUnavailable);
		registerChangeCounter(registry, "refresh_needed", this.changesToRefreshNeeded);
		this.caches.forEach((name, cache) -> bindCache(registry, CACHE_NAME_PREFIX + name, cache));
	}

	/**
	 * Unsubscribes from the status provider; the meters stop counting status changes. Idempotent.
	 */
	@Override
	public void close() {
		this.statusProvider.removeStatusListener(this.changeCounter);
	}

	private void registerChangeCounter(MeterRegistry registry, String state, AtomicLong count) {
		FunctionCounter.builder(STATUS_CHANGES, count, AtomicLong::get)
			.description("Status changes of the flagstore store, by the state changed to")
			.tag("state", state)
			.register(registry);
	}

	private static <K, V> void bindCache(MeterRegistry registry, String name, Cache<K, V> cache) {
		new CaffeineCacheMetrics<>(cache, name, Tags.empty()).bindTo(registry);
	}

	private void count(DataStoreStatus status) {
		if (!status.isAvailable()) {
			this.changesToUnavailable.incrementAndGet();
		}
		else if (status.isRefreshNeeded()) {
			this.changesToRefreshNeeded.incrementAndGet();
		}
		else {
			this.changesToAvailable.incrementAndGet();
		}
	}

	private double currentOutageMillis() {
		DataStoreStatus status = this.statusProvider.getStatus();
		if (status.isAvailable()) {
			return 0;
		}
		Duration outage = Duration.between(status.getSince(), this.clock.instant());
		return Math.max(0, outage.toMillis());
	}

}
