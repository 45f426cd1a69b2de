package dev.flagstore.source;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.flagstore.internal.ErrorDescriptions;
import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusListener;
import dev.flagstore.status.DataStoreStatusProvider;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link FlagSource} against a {@link DataStore}: it gives the source its {@link FlagSourceUpdateSink},
 * keeps the source's status ({@link #getStatusProvider()}), and asks the source to {@link FlagSource#resync()
 * resync} whenever the store reports {@code refreshNeeded}.
 *
 * <p>The sink writes through the store and never lets a store failure reach the source: a failed write returns
 * {@code false} ({@code init}: nothing), and the source's status records a {@link FlagSourceErrorKind#STORE_ERROR}
 * error with its state unchanged. The status follows the seed's rules (see {@link FlagSourceUpdateSink#updateStatus}).
 * Listeners are called on worker threads, each in order and isolated from the others, as the store's are.
 *
 * <p>Lifecycle: {@link #start()} subscribes to the store's status and starts the source; {@link #close()} closes the
 * source, then reports {@link FlagSourceState#OFF} (delivered to the listeners), then stops the threads the runner
 * made. The store is not closed: its owner closes it, after the runner. Thread-safe.
 */
public final class FlagSourceRunner implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(FlagSourceRunner.class);

	/** How long {@link #close()} waits, at most, for the listeners to be told {@code OFF}. */
	private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

	private final DataStore store;

	private final DataStoreStatusProvider storeStatus;

	private final FlagSource source;

	private final SourceStatusMachine status;

	private final StoreSink sink;

	private final Executor resyncExecutor;

	/** The pools this runner made (none of those injected through the builder): stopped by {@link #close()}. */
	private final List<ExecutorService> ownedExecutors = new ArrayList<>();

	/** Threads of the owned listener pool, to tell whether {@link #close()} runs on one of them. */
	private final @Nullable OwnedThreads listenerThreads;

	/** Listener drain tasks handed to the owned pool and not finished: {@link #close()} waits for them. */
	private final InFlight listenerTasksInFlight = new InFlight();

	private final DataStoreStatusListener storeListener = this::storeStatusChanged;

	/** Whether a resync is asked for and not yet handed to the source: several requests make one call. */
	private final AtomicBoolean resyncPending = new AtomicBoolean();

	private final AtomicBoolean started = new AtomicBoolean();

	private final AtomicBoolean closed = new AtomicBoolean();

	/** The first wait before a failed {@code init} is asked for again, doubled per failure up to {@link #MAX_RETRY}. */
	static final java.time.Duration FIRST_RETRY = java.time.Duration.ofSeconds(1);

	/** The longest wait before a failed {@code init} is asked for again. */
	static final java.time.Duration MAX_RETRY = java.time.Duration.ofSeconds(30);

	/**
	 * Schedules the resync that follows a failed {@code init}; one thread, only while a retry is due. An init can fail
	 * without the store's status asking for a refresh (refused by a full bulkhead, or while another init held the
	 * data set: no outage, so no {@code refreshNeeded}), and a source may not write again soon on its own (a file
	 * not edited, an HTTP server answering 304): without this the store would keep the old data.
	 */
	private final java.util.concurrent.ScheduledThreadPoolExecutor retries;

	/** The next retry's wait, in nanoseconds; back to {@link #FIRST_RETRY} after an init that worked. */
	private final java.util.concurrent.atomic.AtomicLong retryDelayNanos = new java.util.concurrent.atomic.AtomicLong(
			FIRST_RETRY.toNanos());

	/** Whether a retry is scheduled and has not run yet: failures meanwhile make no second one. */
	private final AtomicBoolean retryScheduled = new AtomicBoolean();

	private FlagSourceRunner(Builder builder) {
		this.store = builder.store;
		this.source = builder.source;
		this.storeStatus = (builder.storeStatus != null) ? builder.storeStatus : builder.store.getStatusProvider();
		Executor listenerExecutor;
		if (builder.listenerExecutor != null) {
			listenerExecutor = builder.listenerExecutor;
			this.listenerThreads = null;
		}
		else {
			this.listenerThreads = new OwnedThreads("flagstore-source-status-listener");
			ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
					new SynchronousQueue<>(), this.listenerThreads);
			this.ownedExecutors.add(pool);
			listenerExecutor = (task) -> {
				this.listenerTasksInFlight.increment();
				try {
					pool.execute(() -> {
						try {
							task.run();
						}
						finally {
							this.listenerTasksInFlight.decrement();
						}
					});
				}
				catch (RuntimeException ex) {
					this.listenerTasksInFlight.decrement();
					throw ex;
				}
			};
		}
		if (builder.resyncExecutor != null) {
			this.resyncExecutor = builder.resyncExecutor;
		}
		else {
			ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
					new OwnedThreads("flagstore-source-resync"));
			pool.allowCoreThreadTimeOut(true);
			this.ownedExecutors.add(pool);
			this.resyncExecutor = pool;
		}
		this.retries = new java.util.concurrent.ScheduledThreadPoolExecutor(1, new OwnedThreads("flagstore-source-retry"));
		this.retries.setKeepAliveTime(30, TimeUnit.SECONDS);
		this.retries.allowCoreThreadTimeOut(true);
		this.retries.setRemoveOnCancelPolicy(true);
		this.ownedExecutors.add(this.retries);
		this.status = new SourceStatusMachine(builder.clock, listenerExecutor);
		this.sink = new StoreSink();
	}

	/**
	 * A builder for a runner of {@code source} over {@code store}.
	 * @param store the store the source writes to; not closed by the runner
	 * @param source the source to run; closed by the runner
	 * @return the builder
	 */
	public static Builder builder(DataStore store, FlagSource source) {
		return new Builder(store, source);
	}

	/**
	 * Subscribes to the store's status, then starts the source ({@link FlagSource#start}). Calls after the first do
	 * nothing. If the source's {@code start} throws, the status becomes {@link FlagSourceState#OFF} with an
	 * {@link FlagSourceErrorKind#UNKNOWN} error and the exception is rethrown.
	 * @throws IllegalStateException if the runner was closed
	 */
	public void start() {
		if (this.closed.get()) {
			throw new IllegalStateException("The flag source runner was closed; it cannot start again");
		}
		if (!this.started.compareAndSet(false, true)) {
			return;
		}
		this.storeStatus.addStatusListener(this.storeListener);
		try {
			this.source.start(this.sink);
		}
		catch (RuntimeException | Error ex) {
			this.status.update(FlagSourceState.OFF, FlagSourceErrorInfo.of(FlagSourceErrorKind.UNKNOWN,
					"start failed: " + ErrorDescriptions.describe(ex), this.status.now()));
			this.storeStatus.removeStatusListener(this.storeListener);
			throw ex;
		}
	}

	/**
	 * The source's status.
	 * @return the status provider, the same for the runner's whole life
	 */
	public FlagSourceStatusProvider getStatusProvider() {
		return this.status;
	}

	/**
	 * The sink the source writes through; usable by anything else that feeds the store the same way.
	 * @return the sink
	 */
	public FlagSourceUpdateSink getUpdateSink() {
		return this.sink;
	}

	/**
	 * The source this runner runs.
	 * @return the source
	 */
	public FlagSource getSource() {
		return this.source;
	}

	/**
	 * Closes the source, then reports {@link FlagSourceState#OFF}, waits (at most two seconds) for the listeners to
	 * be told, and stops the runner's own threads. The store is left open. Idempotent.
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.storeStatus.removeStatusListener(this.storeListener);
		try {
			this.source.close();
		}
		catch (RuntimeException ex) {
			logger.warn("Closing the flag source failed; it may still be running", ex);
		}
		this.status.off();
		awaitListeners();
		this.ownedExecutors.forEach(ExecutorService::shutdownNow);
	}

	/** Waits until the owned listener pool has delivered what is queued (OFF last), unless called from it. */
	private void awaitListeners() {
		if (this.listenerThreads == null || this.listenerThreads.made(Thread.currentThread())) {
			return;
		}
		// Not interruptible, and not fooled by a flush running on the source's thread: it waits for the events
		// themselves (OFF last), not for the drain tasks in flight at the moment.
		if (!this.status.awaitDelivered(CLOSE_WAIT_NANOS)) {
			logger.debug("A flag source status listener is still busy after {} ms; OFF may not reach it",
					TimeUnit.NANOSECONDS.toMillis(CLOSE_WAIT_NANOS));
		}
		this.status.closeBroadcaster();
	}

	private void storeStatusChanged(DataStoreStatus newStatus) {
		if (newStatus.isAvailable() && newStatus.isRefreshNeeded()) {
			requestResync();
		}
	}

	/**
	 * After a failed {@code init}: asks the source to resync once the back-off has passed (1 s, doubling to 30 s,
	 * with jitter), unless one is already due. A resync the store asks for meanwhile ({@code refreshNeeded}) joins
	 * the same request.
	 */
	private void scheduleRetry() {
		if (this.closed.get() || !this.retryScheduled.compareAndSet(false, true)) {
			return;
		}
		long delay = this.retryDelayNanos.getAndUpdate(current -> Math.min(current * 2, MAX_RETRY.toNanos()));
		long jittered = delay / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(delay / 2 + 1);
		try {
			this.retries.schedule(() -> {
				this.retryScheduled.set(false);
				if (!this.closed.get()) {
					logger.info("Asking the flag source to send its data again: its last full data set did not "
							+ "reach the data store");
					requestResync();
				}
			}, jittered, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			this.retryScheduled.set(false);
		}
	}

	/** Hands one resync to the source off the store's listener thread; requests made meanwhile join it. */
	private void requestResync() {
		if (this.closed.get() || !this.resyncPending.compareAndSet(false, true)) {
			return;
		}
		try {
			this.resyncExecutor.execute(() -> {
				this.resyncPending.set(false);
				if (this.closed.get()) {
					return;
				}
				logger.info("The data store may have missed writes (refreshNeeded=true): asking the flag source to "
						+ "send its data again");
				try {
					this.source.resync();
				}
				catch (RuntimeException ex) {
					logger.warn("The flag source's resync() threw; the store may stay out of date until the source "
							+ "writes its data again", ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			this.resyncPending.set(false);
			if (!this.closed.get()) {
				logger.warn("Could not ask the flag source to resync (the executor refused the task)", ex);
			}
		}
	}

	/** The sink: writes through the store, records its failures, refuses nothing but {@code null}s. */
	private final class StoreSink implements FlagSourceUpdateSink {

		@Override
		public void init(FullDataSet<ItemDescriptor> allData) {
			Objects.requireNonNull(allData, "allData");
			if (refuseAfterClose("init")) {
				return;
			}
			try {
				FlagSourceRunner.this.store.init(allData);
				FlagSourceRunner.this.retryDelayNanos.set(FIRST_RETRY.toNanos());
			}
			catch (RuntimeException ex) {
				storeFailed("init", ex);
				scheduleRetry();
			}
		}

		@Override
		public boolean upsert(DataKind kind, String key, ItemDescriptor item) {
			Objects.requireNonNull(kind, "kind");
			Objects.requireNonNull(key, "key");
			Objects.requireNonNull(item, "item");
			if (refuseAfterClose("upsert")) {
				return false;
			}
			try {
				FlagSourceRunner.this.store.upsert(kind, key, item);
				return true;
			}
			catch (RuntimeException ex) {
				storeFailed("upsert " + kind.getName() + "/" + key, ex);
				return false;
			}
		}

		@Override
		public boolean delete(DataKind kind, String key, int version) {
			Objects.requireNonNull(kind, "kind");
			Objects.requireNonNull(key, "key");
			if (refuseAfterClose("delete")) {
				return false;
			}
			try {
				FlagSourceRunner.this.store.delete(kind, key, version);
				return true;
			}
			catch (RuntimeException ex) {
				storeFailed("delete " + kind.getName() + "/" + key, ex);
				return false;
			}
		}

		@Override
		public void updateStatus(FlagSourceState state, @Nullable FlagSourceErrorInfo error) {
			FlagSourceRunner.this.status.update(state, error);
		}

		@Override
		public DataStoreStatusProvider getDataStoreStatusProvider() {
			return FlagSourceRunner.this.storeStatus;
		}

		private boolean refuseAfterClose(String operation) {
			if (FlagSourceRunner.this.closed.get()) {
				logger.debug("Flag source {} after close() ignored", operation);
				return true;
			}
			return false;
		}

		private void storeFailed(String operation, RuntimeException ex) {
			String message = operation + " failed in the data store: " + ErrorDescriptions.describe(ex);
			boolean first = !isStoreError(FlagSourceRunner.this.status.getStatus().getLastError());
			if (FlagSourceRunner.this.status.recordStoreError(message) && first) {
				// Once per run of store errors: the store's own status logs the outage.
				logger.warn("Flag source could not write to the data store: {}", message);
			}
		}

		private static boolean isStoreError(@Nullable FlagSourceErrorInfo error) {
			return error != null && error.kind() == FlagSourceErrorKind.STORE_ERROR;
		}

	}

	/** A count of running tasks that a thread can wait to reach zero. */
	private static final class InFlight {

		private int count;

		synchronized void increment() {
			this.count++;
		}

		synchronized void decrement() {
			if (--this.count == 0) {
				notifyAll();
			}
		}

		synchronized void awaitZero(long timeoutNanos) throws InterruptedException {
			long deadline = System.nanoTime() + timeoutNanos;
			long remaining = timeoutNanos;
			while (this.count > 0 && remaining > 0) {
				TimeUnit.NANOSECONDS.timedWait(this, remaining);
				remaining = deadline - System.nanoTime();
			}
		}

	}

	/** Daemon threads named {@code <prefix>-<n>}, and which of them are still running. */
	private static final class OwnedThreads implements ThreadFactory {

		private final String prefix;

		private final AtomicInteger count = new AtomicInteger();

		private final Set<Thread> running = ConcurrentHashMap.newKeySet();

		OwnedThreads(String prefix) {
			this.prefix = prefix;
		}

		@Override
		public Thread newThread(Runnable task) {
			Thread thread = new Thread(() -> {
				try {
					task.run();
				}
				finally {
					this.running.remove(Thread.currentThread());
				}
			}, this.prefix + "-" + this.count.incrementAndGet());
			thread.setDaemon(true);
			this.running.add(thread);
			return thread;
		}

		boolean made(Thread thread) {
			return this.running.contains(thread);
		}

	}

	/**
	 * Settings of a {@link FlagSourceRunner}. Not thread-safe; build once.
	 */
	public static final class Builder {

		private final DataStore store;

		private final FlagSource source;

		private @Nullable DataStoreStatusProvider storeStatus;

		private Clock clock = Clock.systemUTC();

		private @Nullable Executor listenerExecutor;

		private @Nullable Executor resyncExecutor;

		private Builder(DataStore store, FlagSource source) {
			this.store = Objects.requireNonNull(store, "store");
			this.source = Objects.requireNonNull(source, "source");
		}

		/**
		 * The store status to watch for {@code refreshNeeded} and to hand to the source; default: the store's own.
		 * @param storeStatus the status provider
		 * @return this builder
		 */
		public Builder dataStoreStatusProvider(DataStoreStatusProvider storeStatus) {
			this.storeStatus = Objects.requireNonNull(storeStatus, "storeStatus");
			return this;
		}

		/**
		 * The clock of {@link FlagSourceStatus#getStateSince()} and of store errors; default UTC system clock.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock");
			return this;
		}

		/**
		 * Runs listener deliveries; default: the runner's own pool (one thread per listener with something to
		 * deliver, idle threads end after 30 s, stopped by {@code close()}). It must not run tasks on the calling
		 * thread for "never on the source's thread" to hold; an injected executor is not shut down.
		 * @param executor the executor
		 * @return this builder
		 */
		public Builder listenerExecutor(Executor executor) {
			this.listenerExecutor = Objects.requireNonNull(executor, "executor");
			return this;
		}

		/**
		 * Runs {@link FlagSource#resync()} calls, off the store's listener thread; default: one thread of the
		 * runner's own, stopped by {@code close()}. An injected executor is not shut down.
		 * @param executor the executor
		 * @return this builder
		 */
		public Builder resyncExecutor(Executor executor) {
			this.resyncExecutor = Objects.requireNonNull(executor, "executor");
			return this;
		}

		/**
		 * Builds the runner; nothing runs until {@link FlagSourceRunner#start()}.
		 * @return the runner
		 */
		public FlagSourceRunner build() {
			return new FlagSourceRunner(this);
		}

	}

}
