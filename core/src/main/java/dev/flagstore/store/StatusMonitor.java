package dev.flagstore.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusListener;
import dev.flagstore.status.DataStoreStatusProvider;
import dev.flagstore.status.DataStoreUpdateSink;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status state machine of a {@link PersistentDataStoreWrapper}: one immutable {@link DataStoreStatus},
 * changed by failures, recovery, successful {@code init} and pushed updates, with polling while unavailable and
 * an idle heartbeat.
 *
 * <p>Reads ({@link #getStatus()}) are a single volatile read. Transitions are rare, so they take one lock: the
 * state change and the hand-off to the listener queues happen together, which gives every listener the changes
 * in the order they happened. Listener delivery is asynchronous ({@link ListenerDispatcher}). Polling and the
 * heartbeat run on their own scheduler threads, so a slow probe of one never delays the other or any listener.
 */
final class StatusMonitor implements DataStoreStatusProvider, DataStoreUpdateSink {

	private static final Logger logger = LoggerFactory.getLogger(PersistentDataStoreWrapper.class);

	private final AtomicReference<DataStoreStatus> current;

	private final Object lock = new Object();

	private final ListenerDispatcher dispatcher = new ListenerDispatcher();

	private final ScheduledThreadPoolExecutor scheduler;

	private final Clock clock;

	private final Duration pollInterval;

	private final Runnable pollAction;

	/** Written under {@link #lock}; volatile so the failure fast path can read it without the lock. */
	private volatile @Nullable ScheduledFuture<?> pollTask;

	/** Written under {@link #lock}; read without it to skip work after close. */
	private volatile boolean closed;

	/**
	 * The latest start (System.nanoTime) of a store call that failed, including failures that find the store
	 * already unavailable: a recovery must not report the store available if a call that started after its poll
	 * began has failed. Calls that started earlier (caught in the outage, failing late) do not count.
	 */
	private final AtomicLong latestFailedCallStart = new AtomicLong(System.nanoTime() - Long.MAX_VALUE / 2);

	/**
	 * Set while {@link #recordRecovery} runs. A failure that finds it set takes the lock instead of returning
	 * early, so it is never lost between the recovery's check of {@link #latestFailedCallStart} and its state
	 * change.
	 */
	private volatile boolean recovering;

	StatusMonitor(Clock clock, Duration pollInterval, Duration heartbeatInterval, Runnable pollAction,
			Runnable heartbeatAction) {
		this.clock = clock;
		this.pollInterval = pollInterval;
		this.pollAction = guarded("poll", pollAction);
		this.current = new AtomicReference<>(DataStoreStatus.available(clock.instant()));
		// Polling, the heartbeat and the cache clock each have a thread: none waits on another.
		this.scheduler = new ScheduledThreadPoolExecutor(3, new NamedThreadFactory("flagstore-status"));
		this.scheduler.setRemoveOnCancelPolicy(true);
		this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		if (!heartbeatInterval.isZero()) {
			long nanos = heartbeatInterval.toNanos();
			this.scheduler.scheduleWithFixedDelay(guarded("heartbeat", heartbeatAction), nanos, nanos,
					TimeUnit.NANOSECONDS);
		}
	}

	/** Runs a small periodic task on the status scheduler (stopped by {@link #close()}). */
	void scheduleAtFixedRate(Runnable task, long periodNanos) {
		this.scheduler.scheduleAtFixedRate(task, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public DataStoreStatus getStatus() {
		return this.current.get();
	}

	boolean isAvailable() {
		return this.current.get().isAvailable();
	}

	boolean isClosed() {
		return this.closed;
	}

	@Override
	public boolean isStatusMonitoringEnabled() {
		return true;
	}

	@Override
	public void addStatusListener(DataStoreStatusListener listener) {
		this.dispatcher.add(listener);
	}

	@Override
	public void removeStatusListener(DataStoreStatusListener listener) {
		this.dispatcher.remove(listener);
	}

	/**
	 * A store call failed: the status becomes unavailable (synchronously, before the caller sees the exception)
	 * and polling starts.
	 */
	void recordFailure(Throwable error) {
		recordFailure(error, System.nanoTime());
	}

	/**
	 * Like {@link #recordFailure(Throwable)}, for a store call that started at {@code callStartNanos}
	 * (System.nanoTime).
	 */
	void recordFailure(Throwable error, long callStartNanos) {
		this.latestFailedCallStart.accumulateAndGet(callStartNanos, (a, b) -> (b - a > 0) ? b : a);
		DataStoreStatus before = this.current.get();
		if (this.closed || (!before.isAvailable() && isPolling() && !this.recovering)) {
			return;
		}
		DataStoreStatus after = null;
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			DataStoreStatus now = this.current.get();
			if (now.isAvailable()) {
				after = new DataStoreStatus(false, false, this.clock.instant(), ErrorDescriptions.describe(error));
				this.current.set(after);
				this.dispatcher.publish(after);
			}
			startPollingLocked();
		}
		if (after != null) {
			logger.warn("Persistent data store is unavailable ({}); probing it every {} ms until it answers",
					after.getLastError(), this.pollInterval.toMillis());
		}
	}

	/**
	 * The store answers again: available, with {@code refreshNeeded} as given; polling stops. Nothing changes if a
	 * store call that started at or after {@code pollStartNanos} (System.nanoTime, taken before the probe) has
	 * failed: the store failed while the recovery was under way, so it stays unavailable and the poller tries again.
	 */
	void recordRecovery(boolean refreshNeeded, long pollStartNanos) {
		DataStoreStatus after = null;
		this.recovering = true;
		try {
			Instant since = this.clock.instant();
			synchronized (this.lock) {
				if (this.closed || this.latestFailedCallStart.get() - pollStartNanos >= 0) {
					return;
				}
				DataStoreStatus now = this.current.get();
				if (!now.isAvailable()) {
					after = new DataStoreStatus(true, refreshNeeded, since, now.getLastError());
					this.current.set(after);
					this.dispatcher.publish(after);
				}
				stopPollingLocked();
			}
		}
		finally {
			this.recovering = false;
		}
		if (after != null) {
			logger.warn("Persistent data store is available again{}",
					refreshNeeded ? "; its data may be out of date (refreshNeeded=true)" : "");
		}
	}

	/**
	 * The store works but lost the data this instance wrote (flushed, dropped): available, refresh needed.
	 */
	void recordDataLost() {
		DataStoreStatus after = null;
		synchronized (this.lock) {
			DataStoreStatus now = this.current.get();
			if (!this.closed && now.isAvailable() && !now.isRefreshNeeded()) {
				after = new DataStoreStatus(true, true, this.clock.instant(), now.getLastError());
				this.current.set(after);
				this.dispatcher.publish(after);
			}
		}
		if (after != null) {
			logger.warn("Persistent data store answers but is no longer initialized (flushed or dropped?); "
					+ "reporting refreshNeeded=true");
		}
	}

	/**
	 * A full {@code init} reached the store: available and up to date; polling stops.
	 */
	void recordInitialized() {
		DataStoreStatus now = this.current.get();
		if (now.isAvailable() && !now.isRefreshNeeded() && !isPolling()) {
			return;
		}
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			now = this.current.get();
			if (!now.isAvailable() || now.isRefreshNeeded()) {
				DataStoreStatus after = new DataStoreStatus(true, false, this.clock.instant(), now.getLastError());
				this.current.set(after);
				this.dispatcher.publish(after);
			}
			stopPollingLocked();
		}
	}

	@Override
	public void updateStatus(DataStoreStatus newStatus) {
		Objects.requireNonNull(newStatus, "newStatus");
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			DataStoreStatus before = this.current.getAndSet(newStatus);
			if (!before.isSameStateAs(newStatus)) {
				this.dispatcher.publish(newStatus);
			}
		}
	}

	private boolean isPolling() {
		return this.pollTask != null;
	}

	private void startPollingLocked() {
		if (this.pollTask == null) {
			long nanos = this.pollInterval.toNanos();
			this.pollTask = this.scheduler.scheduleWithFixedDelay(this.pollAction, nanos, nanos,
					TimeUnit.NANOSECONDS);
		}
	}

	private void stopPollingLocked() {
		ScheduledFuture<?> task = this.pollTask;
		if (task != null) {
			task.cancel(false);
			this.pollTask = null;
		}
	}

	/** Stops polling, the heartbeat and listener delivery; waits briefly for their threads to end. */
	void close() {
		synchronized (this.lock) {
			this.closed = true;
			stopPollingLocked();
		}
		this.scheduler.shutdownNow();
		this.dispatcher.shutdown();
	}

	boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
		long deadline = System.nanoTime() + unit.toNanos(timeout);
		boolean scheduler = this.scheduler.awaitTermination(timeout, unit);
		return this.dispatcher.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
				&& scheduler;
	}

	/** A periodic task that dies on an exception would stop polling for good: log it and carry on instead. */
	private Runnable guarded(String name, Runnable action) {
		return () -> {
			if (this.closed) {
				return;
			}
			try {
				action.run();
			}
			catch (Throwable ex) {
				logger.warn("Data store status {} failed unexpectedly; it will run again", name, ex);
			}
		};
	}

}
