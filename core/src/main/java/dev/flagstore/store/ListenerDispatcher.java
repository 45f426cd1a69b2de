package dev.flagstore.store;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers status changes to listeners off the caller's thread: each listener has its own FIFO queue, drained by
 * at most one task at a time on a shared pool. So each listener sees changes in order, and a slow or throwing
 * listener holds back nobody else. {@link #publish} never blocks.
 */
final class ListenerDispatcher {

	private static final Logger logger = LoggerFactory.getLogger(ListenerDispatcher.class);

	private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();

	private final ExecutorService executor;

	ListenerDispatcher() {
		this(new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
				new NamedThreadFactory("flagstore-status-listener")));
	}

	ListenerDispatcher(ExecutorService executor) {
		this.executor = executor;
	}

	void add(DataStoreStatusListener listener) {
		Objects.requireNonNull(listener, "listener");
		this.subscriptions.addIfAbsent(new Subscription(listener));
	}

	void remove(DataStoreStatusListener listener) {
		this.subscriptions.remove(new Subscription(listener));
	}

	/** Queues {@code status} for every listener; callers serialize calls to keep one order for all. */
	void publish(DataStoreStatus status) {
		for (Subscription subscription : this.subscriptions) {
			subscription.enqueue(status);
		}
	}

	void shutdown() {
		this.subscriptions.clear();
		this.executor.shutdownNow();
	}

	boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
		return this.executor.awaitTermination(timeout, unit);
	}

	private final class Subscription implements Runnable {

		private final DataStoreStatusListener listener;

		private final Queue<DataStoreStatus> pending = new ConcurrentLinkedQueue<>();

		/** Whether a drain task is scheduled or running; guards that at most one runs. */
		private final AtomicBoolean draining = new AtomicBoolean();

		Subscription(DataStoreStatusListener listener) {
			this.listener = listener;
		}

		void enqueue(DataStoreStatus status) {
			this.pending.add(status);
			scheduleDrain();
		}

		private void scheduleDrain() {
			if (this.draining.compareAndSet(false, true)) {
				try {
					ListenerDispatcher.this.executor.execute(this);
				}
				catch (RejectedExecutionException ex) {
					// Closed: nothing is delivered any more.
					this.pending.clear();
				}
			}
		}

		@Override
		public void run() {
			DataStoreStatus status;
			while ((status = this.pending.poll()) != null) {
				try {
					this.listener.dataStoreStatusChanged(status);
				}
				catch (Throwable ex) {
					logger.warn("Data store status listener {} threw; other listeners are not affected", this.listener,
							ex);
				}
				if (Thread.currentThread().isInterrupted()) {
					return;
				}
			}
			this.draining.set(false);
			// A change queued after the last poll but before the reset would otherwise wait for the next one.
			if (!this.pending.isEmpty()) {
				scheduleDrain();
			}
		}

		@Override
		public boolean equals(Object obj) {
			return obj instanceof Subscription other && other.listener == this.listener;
		}

		@Override
		public int hashCode() {
			return System.identityHashCode(this.listener);
		}

	}

}
