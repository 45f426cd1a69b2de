package dev.flagstore.internal;

import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to listeners off the publishing thread: each listener has its own FIFO queue, drained by at most
 * one task at a time on a shared executor, so each listener sees the events in the order they were published, and
 * a slow or throwing listener holds back nobody else.
 *
 * <p>Publishing is two steps so that a state machine can fix the order under its own lock without running any
 * listener code there: {@link #enqueue} (cheap, non-blocking, call it where the order is decided) then
 * {@link #flush} (after releasing the lock; hands the queued events to the listeners' queues in order). A listener
 * that leaves its thread's interrupt flag set keeps being called: the flag is cleared between listener calls.
 * After {@link #close()} nothing is delivered. Internal to flagstore; not an API.
 * @param <L> the listener type
 * @param <E> the event type
 */
public final class Broadcaster<L, E> {

	private static final Logger logger = LoggerFactory.getLogger(Broadcaster.class);

	private final String name;

	private final BiConsumer<L, E> delivery;

	private final Executor executor;

	private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();

	/** Events enqueued but not yet handed to the subscriptions, in publication order. */
	private final Queue<E> outbox = new ConcurrentLinkedQueue<>();

	/** Whether a thread is moving the outbox to the subscriptions; at most one does, which keeps the order. */
	private final AtomicBoolean flushing = new AtomicBoolean();

	private volatile boolean closed;

	/** (event, subscription) pairs handed to a subscription's queue and not yet delivered or dropped. */
	private final AtomicLong undelivered = new AtomicLong();

	/**
	 * Creates a broadcaster.
	 * @param name what the listeners listen to, for log messages ("data store status")
	 * @param delivery calls one listener with one event
	 * @param executor runs the listeners' drain tasks; it must not run them on the publishing thread for the
	 * "never on the caller's thread" promise to hold
	 */
	public Broadcaster(String name, BiConsumer<L, E> delivery, Executor executor) {
		this.name = Objects.requireNonNull(name, "name");
		this.delivery = Objects.requireNonNull(delivery, "delivery");
		this.executor = Objects.requireNonNull(executor, "executor");
	}

	/**
	 * Subscribes a listener; adding the same listener (by identity) again has no effect.
	 * @param listener the listener
	 */
	public void add(L listener) {
		Objects.requireNonNull(listener, "listener");
		this.subscriptions.addIfAbsent(new Subscription(listener));
	}

	/**
	 * Unsubscribes a listener; events already queued for it may still be delivered.
	 * @param listener the listener
	 */
	public void remove(L listener) {
		this.subscriptions.remove(new Subscription(Objects.requireNonNull(listener, "listener")));
	}

	/**
	 * Whether any listener is subscribed (a cheap read), for publishers that skip work nobody would see.
	 * @return whether there is at least one subscription
	 */
	public boolean hasListeners() {
		return !this.subscriptions.isEmpty();
	}

	/**
	 * Queues an event for every listener subscribed when it is flushed. Never blocks and runs no listener code:
	 * callers may hold a lock. Follow it with {@link #flush()} once the lock is released.
	 * @param event the event
	 */
	public void enqueue(E event) {
		if (!this.closed) {
			this.outbox.add(Objects.requireNonNull(event, "event"));
		}
	}

	/**
	 * Hands every enqueued event to the listeners' queues, in the order enqueued, and schedules their delivery.
	 * Never blocks; with an executor that runs tasks on the calling thread, listeners run here.
	 */
	public void flush() {
		// A thread that finds another flushing leaves its events to it; the loop re-checks after releasing the flag
		// so that an event enqueued in between is not stranded. One snapshot of the subscriptions per batch: the
		// drains scheduled are those of the subscriptions the events were handed to (one removed meanwhile still
		// gets its queue drained).
		while (!this.outbox.isEmpty() && this.flushing.compareAndSet(false, true)) {
			List<Subscription> targets;
			try {
				targets = List.copyOf(this.subscriptions);
				E event;
				while ((event = this.outbox.poll()) != null) {
					for (Subscription subscription : targets) {
						this.undelivered.incrementAndGet();
						subscription.pending.add(event);
					}
				}
			}
			finally {
				this.flushing.set(false);
			}
			for (Subscription subscription : targets) {
				subscription.scheduleDrain();
			}
		}
	}

	/**
	 * Waits until every event enqueued before the call has been delivered (or dropped), at most {@code timeoutNanos};
	 * not interruptible (the caller's interrupt flag is kept). For a close that must let its last event through.
	 * Must not be called from a drain task of this broadcaster.
	 * @param timeoutNanos the longest wait
	 * @return whether everything was delivered
	 */
	public boolean awaitDelivered(long timeoutNanos) {
		long deadline = System.nanoTime() + timeoutNanos;
		// Help a flusher that is not us: our own flush() may have found the flag taken.
		flush();
		while (!this.outbox.isEmpty() || this.flushing.get() || this.undelivered.get() > 0) {
			if (deadline - System.nanoTime() <= 0) {
				return false;
			}
			flush();
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
		return true;
	}

	/** {@link #enqueue} then {@link #flush}, for callers that hold no lock. */
	public void publish(E event) {
		enqueue(event);
		flush();
	}

	/** Stops delivery: queued events are dropped and nothing is delivered after it. */
	public void close() {
		this.closed = true;
		this.outbox.clear();
		for (Subscription subscription : this.subscriptions) {
			subscription.dropPending();
		}
		this.subscriptions.clear();
	}

	private final class Subscription implements Runnable {

		private final L listener;

		private final Queue<E> pending = new ConcurrentLinkedQueue<>();

		/** Whether a drain task is scheduled or running; at most one is. */
		private final AtomicBoolean draining = new AtomicBoolean();

		Subscription(L listener) {
			this.listener = listener;
		}

		void scheduleDrain() {
			if (!this.pending.isEmpty() && this.draining.compareAndSet(false, true)) {
				try {
					Broadcaster.this.executor.execute(this);
				}
				catch (RejectedExecutionException ex) {
					// The executor was shut down (close()): nothing is delivered any more.
					dropPending();
					this.draining.set(false);
				}
			}
		}

		void dropPending() {
			while (this.pending.poll() != null) {
				Broadcaster.this.undelivered.decrementAndGet();
			}
		}

		@Override
		public void run() {
			try {
				E event;
				while (!Broadcaster.this.closed && (event = this.pending.poll()) != null) {
					try {
						Broadcaster.this.delivery.accept(this.listener, event);
					}
					catch (Throwable ex) {
						logger.warn("A {} listener ({}) threw; other listeners are not affected",
								Broadcaster.this.name, this.listener, ex);
					}
					finally {
						Broadcaster.this.undelivered.decrementAndGet();
					}
					// The listener's interrupt is its own business, not a reason to stop delivering to it (a pool
					// shutting down is seen through 'closed').
					Thread.interrupted();
				}
			}
			finally {
				this.draining.set(false);
			}
			// An event queued after the last poll but before the reset would otherwise wait for the next one.
			scheduleDrain();
		}

		@Override
		public boolean equals(Object obj) {
			return obj instanceof Broadcaster<?, ?>.Subscription other && other.listener == this.listener;
		}

		@Override
		public int hashCode() {
			return System.identityHashCode(this.listener);
		}

	}

}
