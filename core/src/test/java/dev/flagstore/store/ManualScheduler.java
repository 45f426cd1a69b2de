package dev.flagstore.store;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Scheduler;

/**
 * A scheduler on fake time: tasks run only when a test moves the {@link FakeTicker} forward with
 * {@link #advance(Duration)}, in the order they are due, on the executor they were scheduled with.
 */
final class ManualScheduler implements Scheduler {

	private final FakeTicker ticker;

	private final PriorityQueue<Task> tasks = new PriorityQueue<>();

	private long sequence;

	ManualScheduler(FakeTicker ticker) {
		this.ticker = ticker;
	}

	@Override
	public synchronized Future<?> schedule(Executor executor, Runnable command, long delay, TimeUnit unit) {
		Task task = new Task(this.ticker.read() + unit.toNanos(delay), this.sequence++, executor, command);
		this.tasks.add(task);
		return task;
	}

	/** Moves time forward by {@code duration}, running every task that falls due, at its due time. */
	void advance(Duration duration) {
		long target = this.ticker.read() + duration.toNanos();
		while (true) {
			Task next;
			synchronized (this) {
				next = this.tasks.peek();
				if (next == null || next.due - target > 0) {
					break;
				}
				this.tasks.poll();
			}
			if (next.due - this.ticker.read() > 0) {
				this.ticker.advanceTo(next.due);
			}
			if (!next.isCancelled()) {
				next.executor.execute(next);
			}
		}
		this.ticker.advanceTo(target);
	}

	/** Tasks scheduled and not yet run or cancelled. */
	synchronized long pending() {
		return this.tasks.stream().filter(task -> !task.isCancelled()).count();
	}

	private static final class Task extends FutureTask<Void> implements Comparable<Task> {

		final long due;

		final long sequence;

		final Executor executor;

		Task(long due, long sequence, Executor executor, Runnable command) {
			super(command, null);
			this.due = due;
			this.sequence = sequence;
			this.executor = executor;
		}

		@Override
		public int compareTo(Task other) {
			int byDue = Long.compare(this.due, other.due);
			return (byDue != 0) ? byDue : Long.compare(this.sequence, other.sequence);
		}

	}

}
