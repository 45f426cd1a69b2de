package dev.flagstore.source;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * A scheduler on fake time: nothing runs until the test calls {@link #runNext()}, which moves time to the next
 * task and runs it on the test's thread. So a test sees every delay the source asks for, exactly.
 */
final class ManualScheduledExecutor extends AbstractExecutorService implements ScheduledExecutorService {

	private final AtomicLong now = new AtomicLong();

	private final PriorityQueue<Task> tasks = new PriorityQueue<>();

	private long sequence;

	private boolean shutdown;

	@Override
	public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
		if (this.shutdown) {
			throw new RejectedExecutionException("shut down");
		}
		Task task = new Task(command, this.now.get() + unit.toNanos(Math.max(0, delay)), this.sequence++);
		this.tasks.add(task);
		return task;
	}

	/** The delay of the next task still to run, from now; {@code null} if there is none. */
	synchronized @Nullable Duration nextDelay() {
		Task next = peekLive();
		return (next == null) ? null : Duration.ofNanos(next.due - this.now.get());
	}

	/** How many tasks are waiting, cancelled ones left out. */
	synchronized int pending() {
		return (int) this.tasks.stream().filter(task -> !task.isCancelled()).count();
	}

	/**
	 * Moves time to the next task and runs it here.
	 * @return the delay the task had waited
	 * @throws AssertionError if no task is waiting
	 */
	Duration runNext() {
		Task next;
		long waited;
		synchronized (this) {
			next = peekLive();
			if (next == null) {
				throw new AssertionError("no task scheduled");
			}
			this.tasks.remove(next);
			waited = next.due - this.now.get();
			this.now.set(Math.max(this.now.get(), next.due));
		}
		next.run();
		try {
			next.get();
		}
		catch (java.util.concurrent.ExecutionException ex) {
			throw new AssertionError("the task failed", ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted", ex);
		}
		return Duration.ofNanos(waited);
	}

	private @Nullable Task peekLive() {
		while (!this.tasks.isEmpty() && this.tasks.peek().isCancelled()) {
			this.tasks.poll();
		}
		return this.tasks.peek();
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
		List<Runnable> left = new ArrayList<>(this.tasks);
		this.tasks.clear();
		return left;
	}

	@Override
	public synchronized boolean isShutdown() {
		return this.shutdown;
	}

	@Override
	public synchronized boolean isTerminated() {
		return this.shutdown && this.tasks.isEmpty();
	}

	@Override
	public boolean awaitTermination(long timeout, TimeUnit unit) {
		return isTerminated();
	}

	private final class Task extends FutureTask<Void> implements ScheduledFuture<Void> {

		final long due;

		final long sequence;

		Task(Runnable command, long due, long sequence) {
			super(command, null);
			this.due = due;
			this.sequence = sequence;
		}

		@Override
		public long getDelay(TimeUnit unit) {
			return unit.convert(this.due - ManualScheduledExecutor.this.now.get(), TimeUnit.NANOSECONDS);
		}

		@Override
		public int compareTo(Delayed other) {
			Task task = (Task) other;
			int byDue = Long.compare(this.due, task.due);
			return (byDue != 0) ? byDue : Long.compare(this.sequence, task.sequence);
		}

	}

}
