package dev.flagstore.store;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.flagstore.internal.Broadcaster;
import dev.flagstore.internal.ErrorDescriptions;
import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusListener;
import dev.flagstore.status.DataStoreStatusProvider;
import dev.flagstore.status.DataStoreUpdateSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status state machine of a {@link PersistentDataStoreWrapper}: one immutable {@link State} (status, polling,
 * the latest failed call's start, ...) replaced as a whole by each transition, under one small lock, as
 * resilience4j's {@code CircuitBreakerStateMachine} replaces its state. What a transition decides (publish, log,
 * start polling) is done after it, from its before and after states; the publication's place in the order is fixed
 * under the lock ({@link Broadcaster#enqueue}), its delivery happens outside it.
 *
 * <p><b>Evidence.</b> Every input carries the start time (ticker) of the store call it comes from. A success
 * (recovery, {@code init}) is believed only if no call that started at or after it has failed since; a failure of
 * a call that started before the evidence the store is available rests on (caught in an earlier outage and failing
 * late) changes nothing. So the status never flips on stale news, whichever thread reports first.
 *
 * <p>Polling and the heartbeat are chains of one-shot tasks on the scheduler, run on the executor: a poll is
 * scheduled a poll interval after the previous one ends, while polling; each poll chain carries an epoch so that a
 * chain ended by a recovery can never run on beside a newer one.
 */
final class StatusMachine implements DataStoreStatusProvider, DataStoreUpdateSink {

	private static final Logger logger = LoggerFactory.getLogger(PersistentDataStoreWrapper.class);

	/**
	 * Everything a transition reads or writes, replaced as a whole.
	 * @param status the published status
	 * @param latestFailedCallStart start (ticker) of the latest-starting store call that failed
	 * @param evidenceStart start of the call the current availability rests on (the poll that recovered, the init
	 * that succeeded, or construction)
	 * @param polling whether a poll chain is running
	 * @param pollEpoch the running (or last) poll chain's number
	 * @param closed whether the wrapper was closed: no transition after it
	 */
	record State(DataStoreStatus status, long latestFailedCallStart, long evidenceStart, boolean polling,
			long pollEpoch, boolean closed) {

		State withStatus(DataStoreStatus newStatus) {
			return new State(newStatus, this.latestFailedCallStart, this.evidenceStart, this.polling, this.pollEpoch,
					this.closed);
		}

	}

	/** Guards transitions: {@link #state} is written only while holding it. */
	private final Object lock = new Object();

	/** Read without the lock (a volatile read is the whole of {@link #getStatus()}). */
	private volatile State state;

	private final Broadcaster<DataStoreStatusListener, DataStoreStatus> broadcaster;

	private final Clock clock;

	private final Scheduler scheduler;

	private final Executor executor;

	private final long pollNanos;

	private Runnable pollAction = () -> {
	};

	StatusMachine(Clock clock, Ticker ticker, Scheduler scheduler, Executor executor, Executor listenerExecutor,
			Duration pollInterval) {
		this.clock = clock;
		this.scheduler = scheduler;
		this.executor = executor;
		this.pollNanos = pollInterval.toNanos();
		this.broadcaster = new Broadcaster<>("data store status", DataStoreStatusListener::dataStoreStatusChanged,
				listenerExecutor);
		long now = ticker.read();
		this.state = new State(DataStoreStatus.available(clock.instant()), now - Long.MAX_VALUE / 2, now, false, 0,
				false);
	}

	/**
	 * Starts the heartbeat chain and sets what a poll does.
	 * @param pollAction one poll: probe, then report recovery (or not) through this machine
	 * @param heartbeat one heartbeat; answers the delay (ticker nanos) until the next one
	 * @param heartbeatNanos the first heartbeat's delay; zero for no heartbeat
	 */
	void start(Runnable pollAction, LongSupplier heartbeat, long heartbeatNanos) {
		this.pollAction = pollAction;
		if (heartbeatNanos > 0) {
			scheduleHeartbeat(heartbeat, heartbeatNanos);
		}
	}

	@Override
	public DataStoreStatus getStatus() {
		return this.state.status();
	}

	boolean isAvailable() {
		return this.state.status().isAvailable();
	}

	State state() {
		return this.state;
	}

	@Override
	public boolean isStatusMonitoringEnabled() {
		return true;
	}

	@Override
	public void addStatusListener(DataStoreStatusListener listener) {
		this.broadcaster.add(listener);
	}

	@Override
	public void removeStatusListener(DataStoreStatusListener listener) {
		this.broadcaster.remove(listener);
	}

	/**
	 * A store call that started at {@code callStartNanos} failed: the status becomes unavailable (before this
	 * returns, so before the caller sees the exception) and polling starts.
	 */
	void recordFailure(Throwable error, long callStartNanos) {
		State before;
		State after;
		synchronized (this.lock) {
			before = this.state;
			if (before.closed()) {
				return;
			}
			long latest = isAtOrAfter(callStartNanos, before.latestFailedCallStart()) ? callStartNanos
					: before.latestFailedCallStart();
			DataStoreStatus status = before.status();
			boolean stale = !isAtOrAfter(callStartNanos, before.evidenceStart());
			if (status.isAvailable() && !stale) {
				status = new DataStoreStatus(false, false, this.clock.instant(), ErrorDescriptions.describe(error));
			}
			boolean startPolling = !status.isAvailable() && !before.polling();
			after = new State(status, latest, before.evidenceStart(), before.polling() || startPolling,
					before.pollEpoch() + (startPolling ? 1 : 0), false);
			commit(before, after);
		}
		afterTransition(before, after);
	}

	/**
	 * A poll found the store answering (and, with a write-back, holding the data again): available, with
	 * {@code refreshNeeded} as given, and polling stops, unless a call that started at or after
	 * {@code evidenceStartNanos} has failed meanwhile.
	 * @return whether the recovery was taken
	 */
	boolean recordRecovery(long evidenceStartNanos, boolean refreshNeeded) {
		State before;
		State after;
		synchronized (this.lock) {
			before = this.state;
			if (before.closed() || isAtOrAfter(before.latestFailedCallStart(), evidenceStartNanos)) {
				return false;
			}
			DataStoreStatus status = before.status();
			if (!status.isAvailable()) {
				status = new DataStoreStatus(true, refreshNeeded, this.clock.instant(), status.getLastError());
			}
			after = new State(status, before.latestFailedCallStart(), evidenceStartNanos, false, before.pollEpoch(),
					false);
			commit(before, after);
		}
		afterTransition(before, after);
		return true;
	}

	/**
	 * A full {@code init} that started at {@code evidenceStartNanos} reached the store: available and up to date,
	 * polling stops; unless a call that started at or after it has failed meanwhile.
	 */
	void recordInitialized(long evidenceStartNanos) {
		State before;
		State after;
		synchronized (this.lock) {
			before = this.state;
			if (before.closed() || isAtOrAfter(before.latestFailedCallStart(), evidenceStartNanos)) {
				return;
			}
			DataStoreStatus status = before.status();
			if (!status.isAvailable() || status.isRefreshNeeded()) {
				status = new DataStoreStatus(true, false, this.clock.instant(), status.getLastError());
			}
			long evidence = isAtOrAfter(evidenceStartNanos, before.evidenceStart()) ? evidenceStartNanos
					: before.evidenceStart();
			after = new State(status, before.latestFailedCallStart(), evidence, false, before.pollEpoch(), false);
			commit(before, after);
		}
		afterTransition(before, after);
	}

	/**
	 * A check that started at {@code evidenceStartNanos} found the store answering but no longer initialized
	 * (flushed, dropped) although this instance had written it: available, refresh needed. Ignored if an
	 * {@code init} or recovery started after the check, or a call failed since it started.
	 */
	void recordDataLost(long evidenceStartNanos) {
		State before;
		State after;
		synchronized (this.lock) {
			before = this.state;
			DataStoreStatus status = before.status();
			if (before.closed() || !status.isAvailable() || status.isRefreshNeeded()
					|| !isAfter(evidenceStartNanos, before.evidenceStart())
					|| isAtOrAfter(before.latestFailedCallStart(), evidenceStartNanos)) {
				return;
			}
			after = before.withStatus(new DataStoreStatus(true, true, this.clock.instant(), status.getLastError()));
			commit(before, after);
		}
		afterTransition(before, after);
	}

	/** A status pushed by the store: adopted and published as is; polling neither starts nor stops. */
	@Override
	public void updateStatus(DataStoreStatus newStatus) {
		Objects.requireNonNull(newStatus, "newStatus");
		State before;
		State after;
		synchronized (this.lock) {
			before = this.state;
			if (before.closed()) {
				return;
			}
			after = before.withStatus(newStatus);
			commit(before, after);
		}
		afterTransition(before, after);
	}

	/** Stops polling, the heartbeat and listener delivery: nothing is published after it. */
	void close() {
		synchronized (this.lock) {
			State before = this.state;
			this.state = new State(before.status(), before.latestFailedCallStart(), before.evidenceStart(), false,
					before.pollEpoch(), true);
		}
		this.broadcaster.close();
	}

	/** Under the lock: the new state, and the publication's place in the order. */
	private void commit(State before, State after) {
		this.state = after;
		if (!before.status().isSameStateAs(after.status())) {
			this.broadcaster.enqueue(after.status());
		}
	}

	/** Outside the lock: delivery, logging and the poll chain the transition started. */
	private void afterTransition(State before, State after) {
		this.broadcaster.flush();
		DataStoreStatus was = before.status();
		DataStoreStatus now = after.status();
		if (was.isAvailable() && !now.isAvailable()) {
			logger.warn("Persistent data store is unavailable ({}); probing it every {} ms until it answers",
					now.getLastError(), TimeUnit.NANOSECONDS.toMillis(this.pollNanos));
		}
		else if (!was.isAvailable() && now.isAvailable()) {
			logger.warn("Persistent data store is available again{}",
					now.isRefreshNeeded() ? "; its data may be out of date (refreshNeeded=true)" : "");
		}
		else if (now.isAvailable() && now.isRefreshNeeded() && !was.isRefreshNeeded()) {
			logger.warn("Persistent data store answers but is no longer initialized (flushed or dropped?); "
					+ "reporting refreshNeeded=true");
		}
		if (after.polling() && after.pollEpoch() != before.pollEpoch()) {
			schedulePoll(after.pollEpoch());
		}
	}

	private void schedulePoll(long epoch) {
		later(() -> poll(epoch), this.pollNanos, () -> schedulePoll(epoch));
	}

	/**
	 * Runs {@code task} on the executor after {@code delayNanos}; if the executor refuses it (a bounded executor
	 * given to the builder), {@code retry} schedules it again, so a chain never ends while it should run.
	 */
	private void later(Runnable task, long delayNanos, Runnable retry) {
		this.scheduler.schedule(Runnable::run, () -> {
			if (this.state.closed()) {
				return;
			}
			try {
				this.executor.execute(task);
			}
			catch (java.util.concurrent.RejectedExecutionException ex) {
				if (!this.state.closed()) {
					logger.debug("The executor refused a status task; trying again later", ex);
					retry.run();
				}
			}
		}, delayNanos, TimeUnit.NANOSECONDS);
	}

	private void poll(long epoch) {
		if (!isCurrentPoll(epoch)) {
			return;
		}
		try {
			this.pollAction.run();
		}
		catch (Throwable ex) {
			if (!this.state.closed()) {
				logger.warn("Data store status poll failed unexpectedly; it will run again", ex);
			}
		}
		if (isCurrentPoll(epoch)) {
			schedulePoll(epoch);
		}
	}

	private boolean isCurrentPoll(long epoch) {
		State current = this.state;
		return !current.closed() && current.polling() && current.pollEpoch() == epoch;
	}

	private void scheduleHeartbeat(LongSupplier heartbeat, long delayNanos) {
		later(() -> {
			if (this.state.closed()) {
				return;
			}
			long next = delayNanos;
			try {
				next = heartbeat.getAsLong();
			}
			catch (Throwable ex) {
				if (!this.state.closed()) {
					logger.warn("Data store heartbeat failed unexpectedly; it will run again", ex);
				}
			}
			if (!this.state.closed()) {
				scheduleHeartbeat(heartbeat, next);
			}
		}, delayNanos, () -> scheduleHeartbeat(heartbeat, delayNanos));
	}

	/** {@code a >= b} for ticker readings (which may wrap). */
	static boolean isAtOrAfter(long a, long b) {
		return a - b >= 0;
	}

	private static boolean isAfter(long a, long b) {
		return a - b > 0;
	}

}
