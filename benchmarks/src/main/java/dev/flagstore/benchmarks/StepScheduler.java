package dev.flagstore.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A scheduler that runs nothing by itself: {@link #step()} runs the task last scheduled, on the caller's thread,
 * whatever its delay. It lets a benchmark fire one poll of a flag source exactly when it wants.
 */
final class StepScheduler extends AbstractExecutorService implements ScheduledExecutorService {

	private @Nullable Step next;

	private boolean shutdown;

	@Override
	public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
		Step step = new Step(command, unit.toNanos(delay));
		this.next = step;
		return step;
	}

	/**
	 * Runs the task last scheduled (a poll; it schedules the next one).
	 * @throws IllegalStateException if there is none
	 */
	void step() {
		Step step;
		synchronized (this) {
			step = this.next;
			this.next = null;
		}
		if (step == null || step.isCancelled()) {
			throw new IllegalStateException("no task scheduled");
		}
		step.run();
	}

	@Override
	public void execute(Runnable command) {
		schedule(command, 0, TimeUnit.NANOSECONDS);
	}

	@Override
	public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
		throw new UnsupportedOperationException();
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
		throw new UnsupportedOperationException();
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
		throw new UnsupportedOperationException();
	}

	@Override
	public synchronized void shutdown() {
		this.shutdown = true;
	}

	@Override
	public synchronized List<Runnable> shutdownNow() {
		this.shutdown = true;
		this.next = null;
		return new ArrayList<>();
	}

	@Override
	public synchronized boolean isShutdown() {
		return this.shutdown;
	}

	@Override
	public synchronized boolean isTerminated() {
		return this.shutdown;
	}

	@Override
	public boolean awaitTermination(long timeout, TimeUnit unit) {
		return isTerminated();
	}

	private static final class Step extends FutureTask<Void> implements ScheduledFuture<Void> {

		private final long delayNanos;

		Step(Runnable command, long delayNanos) {
			super(command, null);
			this.delayNanos = delayNanos;
		}

		@Override
		public long getDelay(TimeUnit unit) {
			return unit.convert(this.delayNanos, TimeUnit.NANOSECONDS);
		}

		@Override
		public int compareTo(Delayed other) {
			return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
		}

	}

}
