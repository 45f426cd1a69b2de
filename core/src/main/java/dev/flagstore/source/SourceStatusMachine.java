package dev.flagstore.source;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.flagstore.internal.Broadcaster;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status of a flag source: one immutable {@link FlagSourceStatus} replaced as a whole by each transition under
 * one lock, with the seed's rules applied in {@link #update}. A published change takes its place in the listeners'
 * order under the lock ({@link Broadcaster#enqueue}) and is delivered after it, so listeners see the transitions in
 * the order they were made and no listener code runs on the reporting thread.
 */
final class SourceStatusMachine implements FlagSourceStatusProvider {

	private static final Logger logger = LoggerFactory.getLogger(FlagSourceRunner.class);

	/** Guards transitions: {@link #status} is written only while holding it. */
	private final ReentrantLock lock = new ReentrantLock();

	/** Signalled (under {@link #lock}) after every change of state, for {@link #waitFor}. */
	private final Condition stateChanged = this.lock.newCondition();

	/** Read without the lock: a volatile read is the whole of {@link #getStatus()}. */
	private volatile FlagSourceStatus status;

	private final Broadcaster<FlagSourceStatusListener, FlagSourceStatus> broadcaster;

	private final Clock clock;

	SourceStatusMachine(Clock clock, Executor listenerExecutor) {
		this.clock = clock;
		this.broadcaster = new Broadcaster<>("flag source status", FlagSourceStatusListener::flagSourceStatusChanged,
				listenerExecutor);
		this.status = new FlagSourceStatus(FlagSourceState.INITIALIZING, clock.instant(), null);
	}

	@Override
	public FlagSourceStatus getStatus() {
		return this.status;
	}

	@Override
	public void addStatusListener(FlagSourceStatusListener listener) {
		this.broadcaster.add(listener);
	}

	@Override
	public void removeStatusListener(FlagSourceStatusListener listener) {
		this.broadcaster.remove(listener);
	}

	/**
	 * Applies a reported state: {@code INTERRUPTED} while {@code INITIALIZING} stays {@code INITIALIZING}; nothing
	 * changes after {@code OFF}; a {@code null} error keeps the last one; the state's {@code since} moves only when
	 * the state changes; a report that changes neither state nor error is not published.
	 * @return whether the status changed
	 */
	boolean update(FlagSourceState reported, @Nullable FlagSourceErrorInfo error) {
		Objects.requireNonNull(reported, "state");
		return transition(reported, error);
	}

	/**
	 * A write the store failed: the error is recorded with kind {@code STORE_ERROR}, the state unchanged (in the
	 * same transition, so a state reported concurrently by the source is never undone).
	 * @return whether it was recorded ({@code false} once {@code OFF})
	 */
	boolean recordStoreError(String message) {
		return transition(null, FlagSourceErrorInfo.of(FlagSourceErrorKind.STORE_ERROR, message, this.clock.instant()));
	}

	/** One transition; {@code reported == null} keeps the state. */
	private boolean transition(@Nullable FlagSourceState reported, @Nullable FlagSourceErrorInfo error) {
		FlagSourceStatus before;
		FlagSourceStatus after;
		this.lock.lock();
		try {
			before = this.status;
			if (before.getState() == FlagSourceState.OFF) {
				return false;
			}
			FlagSourceState state = (reported == null) ? before.getState() : reported;
			if (state == FlagSourceState.INTERRUPTED && before.getState() == FlagSourceState.INITIALIZING) {
				state = FlagSourceState.INITIALIZING;
			}
			FlagSourceErrorInfo lastError = (error != null) ? error : before.getLastError();
			if (state == before.getState() && Objects.equals(lastError, before.getLastError())) {
				return false;
			}
			after = new FlagSourceStatus(state,
					(state == before.getState()) ? before.getStateSince() : this.clock.instant(), lastError);
			this.status = after;
			this.broadcaster.enqueue(after);
			if (state != before.getState()) {
				this.stateChanged.signalAll();
			}
		}
		finally {
			this.lock.unlock();
		}
		this.broadcaster.flush();
		log(before, after);
		return true;
	}

	/** The clock's time, for errors the runner reports itself. */
	java.time.Instant now() {
		return this.clock.instant();
	}

	/** The last listeners are told {@code OFF}; nothing changes after it. */
	void off() {
		update(FlagSourceState.OFF, null);
	}

	@Override
	public boolean waitFor(FlagSourceState state, Duration timeout) throws InterruptedException {
		Objects.requireNonNull(state, "state");
		Objects.requireNonNull(timeout, "timeout");
		FlagSourceState current = this.status.getState();
		if (current == state) {
			return true;
		}
		if (current == FlagSourceState.OFF || timeout.isZero() || timeout.isNegative()) {
			return false;
		}
		long remaining = saturatedNanos(timeout);
		this.lock.lockInterruptibly();
		try {
			while (true) {
				current = this.status.getState();
				if (current == state) {
					return true;
				}
				if (current == FlagSourceState.OFF || remaining <= 0) {
					return false;
				}
				remaining = this.stateChanged.awaitNanos(remaining);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Whether a thread is parked in {@link #waitFor} (for tests). */
	boolean hasWaiters() {
		this.lock.lock();
		try {
			return this.lock.hasWaiters(this.stateChanged);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Waits (uninterruptibly, at most {@code timeoutNanos}) until every published status was delivered. */
	boolean awaitDelivered(long timeoutNanos) {
		return this.broadcaster.awaitDelivered(timeoutNanos);
	}

	/** Ends delivery: called once the last status (OFF) has been delivered or given up on. */
	void closeBroadcaster() {
		this.broadcaster.close();
	}

	private static long saturatedNanos(Duration timeout) {
		try {
			return timeout.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

	private static void log(FlagSourceStatus before, FlagSourceStatus after) {
		FlagSourceState was = before.getState();
		FlagSourceState now = after.getState();
		FlagSourceErrorInfo error = after.getLastError();
		String cause = (error != null) ? error.kind() + (error.statusCode() != 0 ? " " + error.statusCode() : "")
				+ ((error.message() != null) ? ": " + error.message() : "") : "no error reported";
		if (now == was) {
			logger.debug("Flag source {} reported an error ({})", now, cause);
		}
		else if (now == FlagSourceState.INTERRUPTED) {
			logger.warn("Flag source is interrupted ({}); the store keeps the last data it received", cause);
		}
		else if (now == FlagSourceState.VALID) {
			logger.info("Flag source is valid{}", (was == FlagSourceState.INTERRUPTED) ? " again" : "");
		}
		else if (now == FlagSourceState.OFF) {
			logger.info("Flag source is off{}", (error != null && error != before.getLastError()) ? " (" + cause + ")"
					: "");
		}
		else {
			logger.debug("Flag source is {}", now);
		}
		if (was != now) {
			logger.debug("Flag source status: {} -> {}", was, now);
		}
	}

}
