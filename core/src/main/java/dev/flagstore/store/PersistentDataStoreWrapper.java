package dev.flagstore.store;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.flagstore.changes.FlagTracker;
import dev.flagstore.internal.ChangeTracker;
import dev.flagstore.status.DataStoreStatusProvider;
import dev.flagstore.store.StoreCalls.Lane;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DataStore} over a user's {@link PersistentDataStore}: it caches items (Caffeine), turns store failures
 * into status changes, polls an unavailable store until it answers, and tells listeners.
 *
 * <p>Every store call runs with the operation timeout as deadline, and at most {@code maxConcurrentCalls} run at
 * once, so a hung store becomes an outage rather than hung application threads: no caller waits longer than the
 * timeout (plus a few milliseconds), whatever the store does. Reads are answered from the cache where it can; a read
 * the cache cannot answer throws {@link DataStoreException} while the store fails (never "absent"). Writes that fail
 * throw, even when the {@link CacheMode#FOREVER} cache keeps them to write back on recovery. A caller's own
 * interrupt ends its wait with a {@link DataStoreException} (its interrupt flag set again) and changes no status. See
 * {@code docs/status.md} for the full state machine. Thread-safe; build it with
 * {@link #builder(PersistentDataStore)} and {@link #close()} it when done.
 *
 * <p>This class is a façade: store calls ({@link StoreCalls}), the status ({@link StatusMachine}), the cache (one
 * {@link DataCache} per mode), writes ({@link DataSetWriter}) and recovery (one {@link RecoveryPolicy} per
 * behaviour) each live in their own class.
 *
 * <p>Change events ({@link #getFlagTracker()}, {@code docs/changes.md}): every write this instance makes that the
 * store applies, every item an {@code init} adds, removes or changes, and their dependents, delivered on
 * {@code flagstore-change-listener} threads after the write is visible to readers. Writes by other instances are
 * not seen yet (the change feeds will call {@link #remoteChange}).
 */
public final class PersistentDataStoreWrapper implements DataStore {

	private static final Logger logger = LoggerFactory.getLogger(PersistentDataStoreWrapper.class);

	/** How long {@link #close()} waits, in all, for the threads it stops. */
	private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

	private final PersistentDataStore core;

	private final CacheMode cacheMode;

	private final StatusMachine status;

	private final StoreAccess store;

	private final DataCache cache;

	private final DataSetWriter writer;

	private final InitializedState initialized;

	private final ChangeTracker changes;

	private final RecoveryPolicy recovery;

	private final long heartbeatNanos;

	private final Ticker ticker;

	/** The threads this wrapper made (none of those injected through the builder): stopped by {@link #close()}. */
	private final List<ExecutorService> ownedExecutors = new ArrayList<>();

	private final @Nullable CoarseTicker coarseTicker;

	private final AtomicBoolean closed = new AtomicBoolean();

	/** The wrapper's own settings, as {@link #describeConfiguration()} tells them. */
	private final Map<String, Object> settings;

	private PersistentDataStoreWrapper(Builder builder) {
		this.core = builder.core;
		this.cacheMode = (builder.cacheMode == CacheMode.TTL && builder.cacheTtl.isZero()) ? CacheMode.NONE
				: builder.cacheMode;
		this.heartbeatNanos = builder.heartbeatInterval.toNanos();
		Map<String, Object> settings = new LinkedHashMap<>();
		settings.put("cacheMode", this.cacheMode.name().toLowerCase(java.util.Locale.ROOT));
		if (this.cacheMode != CacheMode.NONE) {
			settings.put("cacheTtl", builder.cacheTtl.toString());
		}
		if (this.cacheMode == CacheMode.TTL) {
			settings.put("staleValuesPolicy", builder.staleValuesPolicy.name().toLowerCase(java.util.Locale.ROOT)
				.replace('_', '-'));
		}
		settings.put("operationTimeout", builder.operationTimeout.toString());
		settings.put("maxConcurrentCalls", builder.maxConcurrentCalls);
		settings.put("pollInterval", builder.pollInterval.toString());
		settings.put("heartbeatInterval", builder.heartbeatInterval.toString());
		this.settings = java.util.Collections.unmodifiableMap(settings);
		this.coarseTicker = (builder.ticker == null) ? CoarseTicker.acquire() : null;
		this.ticker = (builder.ticker != null) ? builder.ticker : Objects.requireNonNull(this.coarseTicker);
		Executor executor = (builder.executor != null) ? builder.executor : own(newCallPool(builder.maxConcurrentCalls));
		Executor listenerExecutor = (builder.executor != null) ? builder.executor : own(newListenerPool());
		// Change listeners on threads of their own: a slow one never delays status delivery (nor the reverse).
		Executor changeExecutor = (builder.executor != null) ? builder.executor
				: own(newListenerPool("flagstore-change-listener"));
		this.changes = new ChangeTracker(changeExecutor, (kind, key) -> get(kind, key));
		Scheduler scheduler = (builder.scheduler != null) ? builder.scheduler
				: Scheduler.forScheduledExecutorService(own(newStatusScheduler()));
		this.status = new StatusMachine(builder.clock, this.ticker, scheduler, executor, listenerExecutor,
				builder.pollInterval);
		StoreCalls calls = new StoreCalls(builder.operationTimeout, builder.maxConcurrentCalls, executor, scheduler,
				this.ticker, this.status::recordFailure);
		this.store = new StoreAccess(this.core, calls);
		long missNanos = (this.cacheMode == CacheMode.NONE) ? 0 : builder.cacheTtl.toNanos();
		this.initialized = new InitializedState(this.store, this.ticker, missNanos);
		DataSetLock lock = new DataSetLock(builder.operationTimeout.toNanos());
		switch (this.cacheMode) {
			case NONE -> {
				this.cache = new NoCache(this.store);
				this.recovery = new RefreshNeededRecovery(this.status);
			}
			case TTL -> {
				this.cache = new TtlCache(this.store, this.status, builder.cacheTtl, builder.staleValuesPolicy,
						this.ticker);
				this.recovery = new RefreshNeededRecovery(this.status);
			}
			default -> {
				ForeverCache forever = new ForeverCache(this.store, builder.cacheTtl, this.ticker);
				this.cache = forever;
				this.recovery = new WriteBackRecovery(forever, this.store, lock, this.status, this.initialized);
			}
		}
		this.writer = new DataSetWriter(this.store, this.cache, lock, this.status, this.initialized, this.ticker,
				this.changes);
		try {
			this.core.setUpdateSink(this.status);
		}
		catch (RuntimeException | Error ex) {
			// Nothing runs yet but what this wrapper took: give it back, or a failed build() leaks it.
			this.status.close();
			this.changes.close();
			this.ownedExecutors.forEach(ExecutorService::shutdownNow);
			if (this.coarseTicker != null) {
				this.coarseTicker.release();
			}
			throw ex;
		}
		this.status.start(this::poll, this::heartbeat, this.heartbeatNanos);
	}

	/**
	 * Starts building a wrapper around {@code persistentStore}.
	 * @param persistentStore the store to wrap; it is closed by {@link #close()}
	 * @return a builder with the defaults (TTL 15 s, EVICT, poll 500 ms, heartbeat 10 s, timeout 2 s, 16 calls)
	 */
	public static Builder builder(PersistentDataStore persistentStore) {
		return new Builder(persistentStore);
	}

	@Override
	public void init(FullDataSet<ItemDescriptor> allData) {
		Objects.requireNonNull(allData, "allData");
		ensureOpen();
		this.writer.init(allData);
	}

	@Override
	public @Nullable ItemDescriptor get(DataKind kind, String key) {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(key, "key");
		ensureOpen();
		return this.cache.get(kind, key);
	}

	@Override
	public KeyedItems<ItemDescriptor> getAll(DataKind kind) {
		Objects.requireNonNull(kind, "kind");
		ensureOpen();
		return this.cache.getAll(kind);
	}

	@Override
	public boolean upsert(DataKind kind, String key, ItemDescriptor item) {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(item, "item");
		ensureOpen();
		return this.writer.upsert(kind, key, item);
	}

	/**
	 * The hook of the change feeds (internal; issue 14's next slice calls it, nothing else should): another instance
	 * or process changed an item to {@code version}. Unless this instance already reported that version or a newer
	 * one, the item is read from the store and replaces the cache's entry (or the entry is dropped if the store no
	 * longer has the item) <em>before</em> a {@link dev.flagstore.changes.FlagChange.Origin#REMOTE REMOTE} change
	 * fires for it and its dependents, so a listener that reads it sees the new version. Runs on the caller's (the
	 * feed's) thread and may wait for the store within the operation timeout.
	 *
	 * <p>Sketch for the feed slice, not built: after a gap (lost subscription, missed notices, an outage) the feed
	 * calls a {@code reconcile()} that reads every known kind with {@code getAll}, compares versions with what the
	 * cache and the tracker hold, and calls this method for each item whose version is newer (and for each item gone
	 * from the store), so no version change is missed; two changes of one key inside the gap become one event.
	 * @param kind the item's kind
	 * @param key the item's key
	 * @param version the version the feed says the store now holds
	 * @return whether a change was reported
	 * @throws DataStoreException if the store could not be read (nothing changed: reconcile later)
	 */
	boolean remoteChange(DataKind kind, String key, int version) {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(key, "key");
		if (this.closed.get() || !this.changes.isNewer(kind, key, version)) {
			return false;
		}
		return this.writer.remoteChange(kind, key, version);
	}

	/**
	 * The changes of this store's items: see {@link DataStore#getFlagTracker()} and {@code docs/changes.md}.
	 * Listeners run on {@code flagstore-change-listener} threads (or the builder's executor); {@link #close()} stops
	 * them.
	 * @return the tracker, the same on every call
	 */
	@Override
	public FlagTracker getFlagTracker() {
		return this.changes;
	}

	@Override
	public boolean isInitialized() {
		ensureOpen();
		return this.initialized.isInitialized();
	}

	@Override
	public boolean isStatusMonitoringEnabled() {
		return true;
	}

	@Override
	public DataStoreStatusProvider getStatusProvider() {
		return this.status;
	}

	/**
	 * Describes the wrapper's settings (cache mode and TTL, deadlines, bulkhead, status intervals) and, under
	 * {@code store}, the persistent store's own description ({@link PersistentDataStore#describeConfiguration()})
	 * with its class. No store I/O.
	 * @return the description
	 */
	@Override
	public Map<String, Object> describeConfiguration() {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("type", "persistent");
		description.putAll(this.settings);
		Map<String, Object> store = new LinkedHashMap<>();
		store.put("class", this.core.getClass().getName());
		try {
			store.putAll(this.core.describeConfiguration());
		}
		catch (RuntimeException ex) {
			store.put("error", "describeConfiguration() failed: " + ex.getClass().getSimpleName());
		}
		description.put("store", store);
		return description;
	}

	/**
	 * The caches, by name ({@code items}, {@code all-items}), for metrics such as Micrometer's
	 * {@code CaffeineCacheMetrics}. Empty with {@link CacheMode#NONE}. Read them; do not write to them.
	 * @return the caches, never {@code null}
	 */
	public Map<String, Cache<?, ?>> getCaches() {
		return this.cache.caches();
	}

	/**
	 * The cache mode in effect ({@link CacheMode#NONE} when a zero TTL was configured).
	 * @return the cache mode
	 */
	public CacheMode getCacheMode() {
		return this.cacheMode;
	}

	/**
	 * Stops polling, the heartbeat and listener delivery (status and change listeners), ends store calls in flight, waits (2 s at most in all) for
	 * the threads it started to end, then closes the persistent store exactly once. Idempotent; store calls after
	 * it throw {@link IllegalStateException}. Executors and schedulers given to the builder are not shut down.
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.status.close();
		this.changes.close();
		for (ExecutorService executor : this.ownedExecutors) {
			executor.shutdownNow().forEach(StoreCalls::abandon);
		}
		long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
		boolean interrupted = false;
		boolean late = false;
		for (ExecutorService executor : this.ownedExecutors) {
			if (isOwnThread(executor)) {
				// close() from one of this pool's threads (a status listener): it ends once this returns.
				continue;
			}
			while (true) {
				try {
					if (!executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
						late = true;
					}
					break;
				}
				catch (InterruptedException ex) {
					// Keep waiting (within the deadline): the store must not be closed under a call still running.
					interrupted = true;
				}
			}
		}
		if (late) {
			logger.warn("Some flagstore threads did not stop within 2 s of close()");
		}
		try {
			this.core.close();
		}
		catch (RuntimeException ex) {
			logger.warn("Closing the persistent data store failed", ex);
		}
		if (this.coarseTicker != null) {
			this.coarseTicker.release();
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	private static boolean isOwnThread(ExecutorService executor) {
		return executor instanceof ThreadPoolExecutor pool && pool.getThreadFactory() instanceof NamedThreadFactory factory
				&& factory.made(Thread.currentThread());
	}

	private void ensureOpen() {
		if (this.closed.get()) {
			throw new IllegalStateException("The data store is closed");
		}
	}

	/** Poller (while unavailable): probe, then let the recovery policy report recovery or not. */
	private void poll() {
		// A store call started from here on that fails (on any thread) means the store failed while this recovery
		// was under way; calls caught in the outage that fail late do not count.
		long pollStart = this.ticker.read();
		try {
			this.store.probe();
		}
		catch (DataStoreException ex) {
			return;
		}
		this.recovery.storeAnswers(pollStart);
	}

	/**
	 * Heartbeat: probes a store that has been idle for a heartbeat interval, and checks that the data this instance
	 * wrote is still there.
	 * @return the delay until the next heartbeat: a heartbeat interval after the latest successful call, so an idle
	 * outage is seen within one interval (plus the operation timeout)
	 */
	private long heartbeat() {
		if (this.status.isAvailable()) {
			StoreCalls calls = this.store.calls();
			if (this.ticker.read() - calls.lastSuccessNanos() >= this.heartbeatNanos) {
				try {
					this.store.probe();
				}
				catch (DataStoreException ex) {
					return this.heartbeatNanos;
				}
			}
			if (this.initialized.isWrittenHere()) {
				long checkStart = this.ticker.read();
				try {
					if (!this.store.isInitialized(Lane.BACKGROUND, StoreOperation.IS_INITIALIZED)) {
						this.recovery.dataLost(checkStart);
					}
				}
				catch (DataStoreException ex) {
					return this.heartbeatNanos;
				}
			}
		}
		long next = this.store.calls().lastSuccessNanos() + this.heartbeatNanos - this.ticker.read();
		return (next > 0) ? next : this.heartbeatNanos;
	}

	private <E extends ExecutorService> E own(E executor) {
		this.ownedExecutors.add(executor);
		return executor;
	}

	/**
	 * Store calls and the poller's and heartbeat's work: bounded by the bulkheads (application calls, background
	 * calls) plus the poller and the heartbeat themselves, so it never needs a queue in practice and never grows
	 * past that, whatever the store does.
	 */
	private static ThreadPoolExecutor newCallPool(int maxConcurrentCalls) {
		int threads = maxConcurrentCalls + StoreCalls.BACKGROUND_PERMITS + 2;
		ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), new NamedThreadFactory("flagstore-store-call"));
		pool.allowCoreThreadTimeOut(true);
		return pool;
	}

	/** Listener delivery: one drain task per listener with something to deliver, so a slow listener has its own. */
	private static ThreadPoolExecutor newListenerPool() {
		return newListenerPool("flagstore-status-listener");
	}

	private static ThreadPoolExecutor newListenerPool(String name) {
		return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
				new NamedThreadFactory(name));
	}

	/** Fires timeouts, polls and heartbeats (their work runs on the call pool). */
	private static ScheduledThreadPoolExecutor newStatusScheduler() {
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
				new NamedThreadFactory("flagstore-status"));
		scheduler.setRemoveOnCancelPolicy(true);
		scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		return scheduler;
	}

	/**
	 * Builds a {@link PersistentDataStoreWrapper}. Each setter validates its value at once; settings that do not
	 * apply to the chosen cache mode are ignored.
	 */
	public static final class Builder {

		private final PersistentDataStore core;

		private CacheMode cacheMode = CacheMode.TTL;

		private Duration cacheTtl = Duration.ofSeconds(15);

		private StaleValuesPolicy staleValuesPolicy = StaleValuesPolicy.EVICT;

		private Duration pollInterval = Duration.ofMillis(500);

		private Duration heartbeatInterval = Duration.ofSeconds(10);

		private Duration operationTimeout = Duration.ofSeconds(2);

		private int maxConcurrentCalls = 16;

		private Clock clock = Clock.systemUTC();

		private @Nullable Ticker ticker;

		private @Nullable Scheduler scheduler;

		private @Nullable Executor executor;

		private Builder(PersistentDataStore core) {
			this.core = Objects.requireNonNull(core, "persistentStore");
		}

		/**
		 * How items are cached.
		 * @param cacheMode the mode (default {@link CacheMode#TTL})
		 * @return this builder
		 */
		public Builder cacheMode(CacheMode cacheMode) {
			this.cacheMode = Objects.requireNonNull(cacheMode, "cacheMode");
			return this;
		}

		/**
		 * How long items are cached in TTL mode, and misses in every mode. Zero in TTL mode means no cache.
		 * @param cacheTtl the TTL (default 15 s); not negative
		 * @return this builder
		 */
		public Builder cacheTtl(Duration cacheTtl) {
			this.cacheTtl = requireNotNegative(cacheTtl, "cacheTtl");
			return this;
		}

		/**
		 * What happens to an item whose TTL passed (TTL mode only).
		 * @param staleValuesPolicy the policy (default {@link StaleValuesPolicy#EVICT})
		 * @return this builder
		 */
		public Builder staleValuesPolicy(StaleValuesPolicy staleValuesPolicy) {
			this.staleValuesPolicy = Objects.requireNonNull(staleValuesPolicy, "staleValuesPolicy");
			return this;
		}

		/**
		 * How often an unavailable store is probed with {@link PersistentDataStore#isStoreAvailable()}.
		 * @param pollInterval the interval (default 500 ms); positive
		 * @return this builder
		 */
		public Builder pollInterval(Duration pollInterval) {
			requireNotNegative(pollInterval, "pollInterval");
			if (pollInterval.isZero()) {
				throw new IllegalArgumentException("pollInterval must be positive: " + pollInterval);
			}
			this.pollInterval = pollInterval;
			return this;
		}

		/**
		 * How often an idle, available store is probed, so an outage is seen without traffic.
		 * @param heartbeatInterval the interval (default 10 s); {@link Duration#ZERO} disables it
		 * @return this builder
		 */
		public Builder heartbeatInterval(Duration heartbeatInterval) {
			this.heartbeatInterval = requireNotNegative(heartbeatInterval, "heartbeatInterval");
			return this;
		}

		/**
		 * The deadline of one store call, {@code isStoreAvailable()} included; past it the call fails and counts
		 * as an outage.
		 * @param operationTimeout the deadline (default 2 s); {@link Duration#ZERO} runs calls on the caller's
		 * thread without a deadline
		 * @return this builder
		 */
		public Builder operationTimeout(Duration operationTimeout) {
			this.operationTimeout = requireNotNegative(operationTimeout, "operationTimeout");
			return this;
		}

		/**
		 * The clock that stamps {@link dev.flagstore.status.DataStoreStatus#getSince()}.
		 * @param clock the clock (default UTC system clock)
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock");
			return this;
		}

		/**
		 * The bulkhead: how many store calls the application's reads and writes may have in flight at once. Past it
		 * a call fails at once with {@link DataStoreException} without reaching the store and without changing the
		 * status (flagstore's own probes and write-back have a separate, small allowance). It also bounds the
		 * threads a hung store can hold.
		 * @param maxConcurrentCalls the limit (default 16); positive
		 * @return this builder
		 */
		public Builder maxConcurrentCalls(int maxConcurrentCalls) {
			if (maxConcurrentCalls < 1) {
				throw new IllegalArgumentException("maxConcurrentCalls must be positive: " + maxConcurrentCalls);
			}
			this.maxConcurrentCalls = maxConcurrentCalls;
			return this;
		}

		/**
		 * The time source of cache expiry, call start times and the heartbeat's idle time (nanoseconds, as
		 * Caffeine's {@link Ticker}), for tests that drive time. By default a shared clock that ticks every 10 ms.
		 * @param ticker the ticker
		 * @return this builder
		 */
		public Builder ticker(Ticker ticker) {
			this.ticker = Objects.requireNonNull(ticker, "ticker");
			return this;
		}

		/**
		 * What fires call deadlines, polls and heartbeats (as Caffeine's {@link Scheduler}). By default one
		 * {@code flagstore-status} thread of the wrapper's own, stopped by {@link #close()}; one given here is not
		 * shut down.
		 * @param scheduler the scheduler
		 * @return this builder
		 */
		public Builder scheduler(Scheduler scheduler) {
			this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
			return this;
		}

		/**
		 * What runs store calls, polls, heartbeats and listener delivery. By default the wrapper's own bounded pools
		 * ({@code flagstore-store-call}, {@code flagstore-status-listener}), stopped by {@link #close()}; one given
		 * here is not shut down. The deadline holds only if it runs tasks on other threads than the caller's.
		 * @param executor the executor
		 * @return this builder
		 */
		public Builder executor(Executor executor) {
			this.executor = Objects.requireNonNull(executor, "executor");
			return this;
		}

		/**
		 * Builds the wrapper and calls {@link PersistentDataStore#setUpdateSink} on the store. Starts the heartbeat.
		 * @return the wrapper
		 */
		public PersistentDataStoreWrapper build() {
			return new PersistentDataStoreWrapper(this);
		}

		private static Duration requireNotNegative(Duration duration, String name) {
			Objects.requireNonNull(duration, name);
			if (duration.isNegative()) {
				throw new IllegalArgumentException(name + " must not be negative: " + duration);
			}
			return duration;
		}

	}

}
