package dev.flagstore.store;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

/**
 * Runs persistent-store calls with a deadline, so that a hung store turns into a failed call instead of a hung
 * application thread. With a zero timeout, calls run on the caller's thread without a deadline.
 *
 * <p>Calls run on a cached pool of daemon threads: one thread per call in flight, so a hung call holds only its
 * own thread, and the pool never queues a call behind a hung one. A call past its deadline is interrupted.
 */
final class StoreCallExecutor {

	private final long timeoutNanos;

	private final Duration timeout;

	private final @Nullable ThreadPoolExecutor pool;

	StoreCallExecutor(Duration timeout) {
		this.timeout = timeout;
		this.timeoutNanos = timeout.toNanos();
		this.pool = timeout.isZero() ? null : new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
				new SynchronousQueue<>(), new NamedThreadFactory("flagstore-store-call"));
	}

	/**
	 * Runs {@code call} within the deadline.
	 * @throws DataStoreException if the call threw, timed out or was interrupted
	 * @throws IllegalStateException if the executor was shut down
	 */
	<T> T call(String operation, Callable<T> call) {
		ThreadPoolExecutor executor = this.pool;
		if (executor == null) {
			try {
				return call.call();
			}
			catch (Exception ex) {
				throw new DataStoreException(operation + " failed", ex);
			}
		}
		Future<T> future;
		try {
			future = executor.submit(call);
		}
		catch (RejectedExecutionException ex) {
			throw new IllegalStateException("The data store is closed", ex);
		}
		try {
			return future.get(this.timeoutNanos, TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			throw new DataStoreException(operation + " failed", ex.getCause());
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw new DataStoreException(operation + " timed out after " + this.timeout.toMillis() + " ms");
		}
		catch (InterruptedException ex) {
			future.cancel(true);
			Thread.currentThread().interrupt();
			throw new DataStoreException(operation + " was interrupted", ex);
		}
	}

	/** Where background cache reloads run: the call pool, or the common pool when calls run inline. */
	Executor asyncExecutor() {
		ThreadPoolExecutor executor = this.pool;
		return (executor != null) ? executor : java.util.concurrent.ForkJoinPool.commonPool();
	}

	void shutdown() {
		ThreadPoolExecutor executor = this.pool;
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
		ThreadPoolExecutor executor = this.pool;
		return executor == null || executor.awaitTermination(timeout, unit);
	}

}
