package dev.flagstore.store;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import org.jspecify.annotations.Nullable;

/**
 * Runs persistent-store calls: it owns their deadline, the bulkhead that bounds how many run at once, and the
 * translation of a failure into a status input (with the call's start time).
 *
 * <p>Each call runs on the executor and fails with {@link DataStoreException} once it is past the operation
 * timeout, whatever the store does: the timeout completes the call's future and interrupts the thread running
 * it. Waiters wait on the future with the same deadline, so no caller waits longer than the timeout plus a
 * scheduling slack. The failure is recorded before the future completes, so the status reads unavailable by the
 * time a waiter sees the exception. A bulkhead (a semaphore per {@link Lane}) bounds the calls in flight: past it a
 * call fails at once without reaching the store and without changing the status, since it says nothing about the
 * store. A permit is held until the store call has really returned, so a store that ignores interrupts can hold at
 * most that many threads.
 *
 * <p>A zero timeout runs calls on the caller's thread, without a deadline (for stores that cannot hang).
 */
final class StoreCalls {

	/** Where a call comes from: the application's calls and flagstore's own background calls have separate bounds. */
	enum Lane {

		/** Calls made for the application (reads, writes): at most {@code maxConcurrentCalls} at once. */
		APPLICATION,

		/**
		 * Probes, heartbeat checks and the write-back on recovery: at most {@link #BACKGROUND_PERMITS} at once, so a
		 * full application bulkhead never stops recovery from being noticed, and a hung probe is not stacked up.
		 */
		BACKGROUND

	}

	/** Background calls in flight at once: the poller's (or heartbeat's) call, plus one left hanging by a timeout. */
	static final int BACKGROUND_PERMITS = 2;

	/** Receives every store failure (not the bulkhead's refusals, not the caller's interrupt). */
	@FunctionalInterface
	interface FailureRecorder {

		void recordFailure(Throwable error, long callStartNanos);

	}

	private final long timeoutNanos;

	private final int maxConcurrentCalls;

	private final Semaphore applicationPermits;

	private final Semaphore backgroundPermits = new Semaphore(BACKGROUND_PERMITS);

	private final Executor executor;

	private final Scheduler scheduler;

	private final Ticker ticker;

	private final FailureRecorder failures;

	/** Ticker time of the latest successful call: the heartbeat probes only a store that has been idle. */
	private volatile long lastSuccessNanos;

	StoreCalls(Duration timeout, int maxConcurrentCalls, Executor executor, Scheduler scheduler, Ticker ticker,
			FailureRecorder failures) {
		this.timeoutNanos = timeout.toNanos();
		this.maxConcurrentCalls = maxConcurrentCalls;
		this.applicationPermits = new Semaphore(maxConcurrentCalls);
		this.executor = executor;
		this.scheduler = scheduler;
		this.ticker = ticker;
		this.failures = failures;
		this.lastSuccessNanos = ticker.read();
	}

	long lastSuccessNanos() {
		return this.lastSuccessNanos;
	}

	/**
	 * Runs {@code call} and waits for it, within the deadline.
	 * @throws DataStoreException if the call failed or timed out (the failure is recorded), the bulkhead is full,
	 * or the caller's thread was interrupted (its flag is set again; nothing is recorded)
	 * @throws IllegalStateException if the executor no longer accepts calls (closed)
	 */
	<T> T call(StoreOperation operation, @Nullable DataKind kind, Lane lane, Callable<T> call) {
		return await(submit(operation, kind, lane, call, this.timeoutNanos), operation, kind);
	}

	/**
	 * Like {@link #call}, for a caller that already spent part of its deadline (waiting for a lock): the call gets
	 * what is left of it.
	 * @param remainingNanos what is left of the caller's deadline; ignored with a zero timeout (no deadline)
	 */
	<T> T callWithin(StoreOperation operation, @Nullable DataKind kind, Lane lane, Callable<T> call,
			long remainingNanos) {
		return await(submit(operation, kind, lane, call, Math.min(this.timeoutNanos, remainingNanos)), operation, kind);
	}

	/**
	 * Starts {@code call} and returns its future at once: it completes with the result, or exceptionally with a
	 * {@link DataStoreException} (failure recorded) once the call failed or its deadline passed. With a zero
	 * timeout the call runs here and the future is already complete.
	 */
	<T> CompletableFuture<T> submit(StoreOperation operation, @Nullable DataKind kind, Lane lane, Callable<T> call) {
		return submit(operation, kind, lane, call, this.timeoutNanos);
	}

	private <T> CompletableFuture<T> submit(StoreOperation operation, @Nullable DataKind kind, Lane lane,
			Callable<T> call, long deadlineNanos) {
		if (this.timeoutNanos > 0 && deadlineNanos <= 0) {
			return CompletableFuture.failedFuture(new UnattemptedCallException(describe(operation, kind)
					+ " timed out after " + TimeUnit.NANOSECONDS.toMillis(this.timeoutNanos)
					+ " ms waiting for a concurrent init"));
		}
		Semaphore permits = (lane == Lane.APPLICATION) ? this.applicationPermits : this.backgroundPermits;
		if (!permits.tryAcquire()) {
			return CompletableFuture.failedFuture(refused(operation, kind, lane));
		}
		CallTask<T> task = new CallTask<>(operation, kind, call, permits, this.ticker.read(), deadlineNanos);
		if (this.timeoutNanos == 0) {
			task.run();
			return task;
		}
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			permits.release();
			return CompletableFuture.failedFuture(new IllegalStateException("The data store is closed", ex));
		}
		task.scheduleTimeout();
		return task;
	}

	/**
	 * Waits for a call started by {@link #submit} (by this caller or another one that loads the same key) within
	 * the operation timeout.
	 */
	<T> T await(CompletableFuture<T> future, StoreOperation operation, @Nullable DataKind kind) {
		if (future.isDone()) {
			return join(future);
		}
		try {
			// The call's own deadline (from its start, which is no later than this wait's) completes the future
			// first; this is only the safety net for a scheduler that does not run on time (or a fake one).
			long deadline = (future instanceof Call<?> task) ? task.deadlineNanos : this.timeoutNanos;
			return future.get(deadline + SLACK_NANOS, TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			// The caller's own interrupt says nothing about the store: no status change, and the call (which other
			// readers may share) goes on.
			Thread.currentThread().interrupt();
			throw new UnattemptedCallException(describe(operation, kind) + " was interrupted: the calling thread's own "
					+ "interrupt (the store's status is unchanged)", ex);
		}
		catch (TimeoutException ex) {
			if (future instanceof Call<?> task) {
				task.timeOut();
				try {
					// Decided by now (by this timeout, or by the call an instant before): completes at once.
					future.get(SLACK_NANOS, TimeUnit.NANOSECONDS);
				}
				catch (TimeoutException | InterruptedException | ExecutionException | CancellationException late) {
					if (late instanceof InterruptedException) {
						Thread.currentThread().interrupt();
					}
				}
				if (future.isDone()) {
					return join(future);
				}
			}
			// Waiting on a load derived from a call whose own timeout did not fire in time.
			DataStoreException failure = new DataStoreException(describe(operation, kind) + " timed out after "
					+ TimeUnit.NANOSECONDS.toMillis(this.timeoutNanos) + " ms");
			this.failures.recordFailure(failure, this.ticker.read() - this.timeoutNanos);
			throw failure;
		}
		catch (ExecutionException | CancellationException ex) {
			return join(future);
		}
	}

	/** How long past the deadline a waiter waits for the call's timeout to fire before firing it itself. */
	private static final long SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

	/** The result of a completed call, or its failure rethrown as the store API's exception. */
	private static <T> T join(CompletableFuture<T> future) {
		try {
			return future.join();
		}
		catch (CompletionException | CancellationException ex) {
			Throwable cause = ex;
			while ((cause instanceof CompletionException || cause instanceof CancellationException)
					&& cause.getCause() != null) {
				cause = cause.getCause();
			}
			if (cause instanceof DataStoreException failure) {
				// A fresh exception for each waiter (several may share one call), with this thread's stack.
				throw (failure instanceof MalformedItemException malformed) ? malformed
						: new DataStoreException(failure.getMessage(), failure.getCause());
			}
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new DataStoreException("store call failed", cause);
		}
	}

	private UnattemptedCallException refused(StoreOperation operation, @Nullable DataKind kind, Lane lane) {
		return (lane == Lane.APPLICATION) ? new UnattemptedCallException(describe(operation, kind) + " refused: "
				+ this.maxConcurrentCalls + " store calls are already in flight (flagstore.store.max-concurrent-calls)")
				: new UnattemptedCallException(describe(operation, kind) + " refused: an earlier background call to the "
						+ "store has not returned yet");
	}

	static String describe(StoreOperation operation, @Nullable DataKind kind) {
		return (kind != null && operation.namesKind()) ? operation.label() + "(" + kind.getName() + ")" : operation.label();
	}

	/**
	 * Starts a read through a store's {@link NonBlockingReads} on the caller's thread, with no pool hop: the
	 * bulkhead and the deadline apply as for {@link #submit}, the permit is held until the store's future
	 * completes, and a call past its deadline is failed (recorded) and its future cancelled.
	 * @param start starts the request and returns at once
	 */
	<T> CompletableFuture<T> submitNonBlocking(StoreOperation operation, @Nullable DataKind kind, Lane lane,
			Supplier<? extends CompletionStage<T>> start) {
		Semaphore permits = (lane == Lane.APPLICATION) ? this.applicationPermits : this.backgroundPermits;
		if (!permits.tryAcquire()) {
			return CompletableFuture.failedFuture(refused(operation, kind, lane));
		}
		NonBlockingCall<T> call = new NonBlockingCall<>(operation, kind, permits, this.ticker.read(),
				this.timeoutNanos);
		call.start(start);
		return call;
	}

	/**
	 * One store call: its future, its deadline and its permit. Exactly one of "the call returned" and "the deadline
	 * passed" decides the outcome ({@link #decided}).
	 */
	private abstract class Call<T> extends CompletableFuture<T> {

		final StoreOperation operation;

		final @Nullable DataKind kind;

		final Semaphore permits;

		final long startNanos;

		final long deadlineNanos;

		/** The thread that started the call: a failure on it may be the caller's own interrupt. */
		final Thread submitter = Thread.currentThread();

		private final AtomicBoolean decided = new AtomicBoolean();

		private volatile @Nullable Future<?> timeout;

		Call(StoreOperation operation, @Nullable DataKind kind, Semaphore permits, long startNanos,
				long deadlineNanos) {
			this.operation = operation;
			this.kind = kind;
			this.permits = permits;
			this.startNanos = startNanos;
			this.deadlineNanos = deadlineNanos;
		}

		final void scheduleTimeout() {
			this.timeout = StoreCalls.this.scheduler.schedule(Runnable::run, this::timeOut, this.deadlineNanos,
					TimeUnit.NANOSECONDS);
			if (isDone()) {
				cancelTimeout();
			}
		}

		final void succeed(T result) {
			if (this.decided.compareAndSet(false, true)) {
				StoreCalls.this.lastSuccessNanos = StoreCalls.this.ticker.read();
				complete(result);
			}
		}

		final void fail(Throwable ex) {
			if (!this.decided.compareAndSet(false, true)) {
				return;
			}
			Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
			if (Thread.currentThread() == this.submitter && isCallersInterrupt(cause)) {
				// Run on the caller's thread (no deadline, or an executor that runs tasks in place): the caller's own
				// interrupt broke it, not the store.
				Thread.currentThread().interrupt();
				completeExceptionally(new UnattemptedCallException(describe(this.operation, this.kind) + " was interrupted: "
						+ "the calling thread's own interrupt (the store's status is unchanged)", cause));
				return;
			}
			DataStoreException failure = new DataStoreException(describe(this.operation, this.kind) + " failed", cause);
			try {
				StoreCalls.this.failures.recordFailure(failure, this.startNanos);
			}
			finally {
				// Whatever recording does, the call's waiters are released.
				completeExceptionally(failure);
			}
		}

		/** The deadline passed: the call fails (recorded first), {@link #abort()} ends it, then waiters learn it. */
		final void timeOut() {
			if (!this.decided.compareAndSet(false, true)) {
				return;
			}
			DataStoreException failure = new DataStoreException(describe(this.operation, this.kind) + " timed out after "
					+ TimeUnit.NANOSECONDS.toMillis(this.deadlineNanos) + " ms");
			try {
				StoreCalls.this.failures.recordFailure(failure, this.startNanos);
			}
			finally {
				// End the call first (its thread, its request): what runs on completing must not delay that.
				abort();
				completeExceptionally(failure);
			}
		}

		/** Ends a call whose deadline passed (interrupts its thread, cancels its request). */
		abstract void abort();

		final void cancelTimeout() {
			Future<?> scheduled = this.timeout;
			if (scheduled != null) {
				scheduled.cancel(false);
			}
		}

		/** Shutdown: a call that never ran fails, so nobody waits for it. */
		final void abandon() {
			if (this.decided.compareAndSet(false, true)) {
				this.permits.release();
				cancelTimeout();
				completeExceptionally(new IllegalStateException("The data store is closed"));
			}
		}

	}

	/** A blocking store call, run on the executor (or inline with a zero timeout). */
	private final class CallTask<T> extends Call<T> implements Runnable {

		private final Callable<T> call;

		/** The thread running the call, while it runs; interrupted by a timeout. Guarded by {@code this}. */
		private @Nullable Thread runner;

		CallTask(StoreOperation operation, @Nullable DataKind kind, Callable<T> call, Semaphore permits,
				long startNanos, long deadlineNanos) {
			super(operation, kind, permits, startNanos, deadlineNanos);
			this.call = call;
		}

		@Override
		public void run() {
			// The permit goes back as soon as the store call returns, before its caller is answered: a caller that
			// makes its next call at once must not find its own previous one still holding a permit.
			boolean released = false;
			try {
				if (isDone()) {
					return;
				}
				synchronized (this) {
					this.runner = Thread.currentThread();
				}
				T result;
				try {
					result = this.call.call();
				}
				catch (Throwable ex) {
					releaseRunner();
					released = true;
					fail(ex);
					return;
				}
				releaseRunner();
				released = true;
				succeed(result);
			}
			finally {
				if (!released) {
					this.permits.release();
				}
				cancelTimeout();
			}
		}

		/** The store call returned: no interrupt is aimed at this thread from now on, and its permit goes back. */
		private void releaseRunner() {
			synchronized (this) {
				this.runner = null;
			}
			this.permits.release();
		}

		@Override
		void abort() {
			synchronized (this) {
				if (this.runner != null) {
					this.runner.interrupt();
				}
			}
		}

	}

	/** A read started through {@link NonBlockingReads}: no thread of ours waits for it. */
	private final class NonBlockingCall<T> extends Call<T> {

		private volatile @Nullable CompletionStage<T> request;

		NonBlockingCall(StoreOperation operation, @Nullable DataKind kind, Semaphore permits, long startNanos,
				long deadlineNanos) {
			super(operation, kind, permits, startNanos, deadlineNanos);
		}

		void start(Supplier<? extends CompletionStage<T>> start) {
			CompletionStage<T> started;
			try {
				started = java.util.Objects.requireNonNull(start.get(), "NonBlockingReads answered no future");
			}
			catch (Throwable ex) {
				this.permits.release();
				fail(ex);
				return;
			}
			this.request = started;
			if (StoreCalls.this.timeoutNanos > 0) {
				scheduleTimeout();
			}
			started.whenComplete((result, error) -> {
				this.permits.release();
				cancelTimeout();
				if (error != null) {
					fail(error);
				}
				else {
					succeed(result);
				}
			});
		}

		@Override
		void abort() {
			CompletionStage<T> started = this.request;
			if (started != null) {
				started.toCompletableFuture().cancel(true);
			}
		}

	}

	/** Completes calls that an executor shut down before running them. */
	static void abandon(Runnable task) {
		if (task instanceof StoreCalls.Call<?> call) {
			call.abandon();
		}
	}

	private static boolean isCallersInterrupt(Throwable error) {
		if (Thread.currentThread().isInterrupted()) {
			return true;
		}
		int depth = 0;
		for (Throwable cause = error; cause != null && depth++ < 20;
				cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			// Not InterruptedIOException: a socket timeout is one, and that is the store's.
			if (cause instanceof InterruptedException || cause instanceof java.nio.channels.ClosedByInterruptException) {
				return true;
			}
		}
		return false;
	}

}
