package dev.flagstore.spring;

import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusListener;
import dev.flagstore.status.DataStoreStatusProvider;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * Bridges a {@link DataStoreStatusProvider} to the application context: every status change becomes a
 * {@link DataStoreStatusChangedEvent}.
 *
 * <p>It subscribes at once, but publishes only while it runs (from the start of the lifecycle phase, when every
 * {@code @EventListener} method is registered, until the context stops). The changes that happened between its
 * creation and the start are published at the start, as one event from the status it first read to the current
 * one, so nobody misses an outage that began while the context was starting; a change between that first read and
 * the subscription is not lost either. Nothing is published after {@link #stop()}.
 *
 * <p>Thread-safe. Events are published one at a time, in the order the changes happened, on the provider's listener
 * thread or on the thread that starts the context, and never while a lock is held: a slow {@code @EventListener}
 * delays later events, but not {@link #stop()} (nor the shutdown that calls it) and not the status provider.
 */
public class DataStoreStatusEventPublisher implements DataStoreStatusListener, SmartLifecycle, DisposableBean {

	private final DataStoreStatusProvider statusProvider;

	private final ApplicationEventPublisher eventPublisher;

	private final Object lock = new Object();

	/** Guarded by {@link #lock}: the status the subscribers were last told about (or the first status read). */
	private DataStoreStatus published;

	/**
	 * Guarded by {@link #lock}: the statuses seen and not yet published, in order. While running every change is
	 * kept (a slow listener must not make a down-then-up pair vanish); before the start only the latest.
	 */
	private final java.util.ArrayDeque<DataStoreStatus> pending = new java.util.ArrayDeque<>();

	/**
	 * Guarded by {@link #lock}: the status read just after subscribing, while notifications of changes it already
	 * reflects may still be on their way; {@code null} once a notification as new as it has arrived.
	 */
	private @Nullable DataStoreStatus readAhead;

	/** Guarded by {@link #lock}. */
	private boolean running;

	/** Guarded by {@link #lock}: whether a thread is publishing; only that thread publishes until it clears it. */
	private boolean publishing;

	/**
	 * Creates the bridge and subscribes it to {@code statusProvider}.
	 * @param statusProvider the status to watch; not {@code null}
	 * @param eventPublisher where to publish the events; not {@code null}
	 */
	public DataStoreStatusEventPublisher(DataStoreStatusProvider statusProvider,
			ApplicationEventPublisher eventPublisher) {
		Assert.notNull(statusProvider, "'statusProvider' must not be null");
		Assert.notNull(eventPublisher, "'eventPublisher' must not be null");
		this.statusProvider = statusProvider;
		this.eventPublisher = eventPublisher;
		DataStoreStatus initial = statusProvider.getStatus();
		synchronized (this.lock) {
			this.published = initial;
		}
		statusProvider.addStatusListener(this);
		// A change between the first read and the subscription reaches no listener: read again to see it. A change
		// after the subscription is both in this read and on its way to the listener.
		DataStoreStatus current = statusProvider.getStatus();
		synchronized (this.lock) {
			if (this.pending.isEmpty()) {
				this.pending.add(current);
				this.readAhead = current;
			}
		}
	}

	@Override
	public void dataStoreStatusChanged(DataStoreStatus newStatus) {
		synchronized (this.lock) {
			if (this.readAhead != null) {
				if (newStatus.getSince().isBefore(this.readAhead.getSince())) {
					// Older than what the constructor read: a change that read already took in.
					return;
				}
				this.readAhead = null;
			}
			if (!this.running) {
				// Before the start, the catch-up event goes from the first status read to the latest one.
				this.pending.clear();
			}
			this.pending.add(newStatus);
		}
		publishPending();
	}

	@Override
	public void start() {
		synchronized (this.lock) {
			this.running = true;
			// The changes from before the start (and since a stop) make one catch-up event.
			DataStoreStatus last = this.pending.peekLast();
			this.pending.clear();
			if (last != null) {
				this.pending.add(last);
			}
		}
		// Catch up with the changes from before the start; the listener keeps their order from now on.
		publishPending();
	}

	/**
	 * Stops publishing. Returns at once, also while a listener is handling an event on another thread; no event is
	 * published after it returns, other than the one such a listener may still be handling.
	 */
	@Override
	public void stop() {
		synchronized (this.lock) {
			this.running = false;
		}
	}

	@Override
	public boolean isRunning() {
		synchronized (this.lock) {
			return this.running;
		}
	}

	/**
	 * Stops publishing and unsubscribes from the status provider. Called when the context closes.
	 */
	@Override
	public void destroy() {
		stop();
		this.statusProvider.removeStatusListener(this);
	}

	/**
	 * Publishes the pending change, if any, outside the lock. One thread publishes at a time: a thread that finds
	 * another one publishing leaves its change to it, and the publishing thread keeps going until nothing is
	 * pending, so events stay in order without anyone waiting for a listener.
	 */
	private void publishPending() {
		DataStoreStatusChangedEvent event;
		synchronized (this.lock) {
			if (this.publishing) {
				return;
			}
			event = takePendingEvent();
			if (event == null) {
				return;
			}
			this.publishing = true;
		}
		boolean done = false;
		try {
			while (event != null) {
				this.eventPublisher.publishEvent(event);
				synchronized (this.lock) {
					event = takePendingEvent();
					if (event == null) {
						this.publishing = false;
						done = true;
					}
				}
			}
		}
		finally {
			if (!done) {
				// A listener threw: let the next change be published by whoever brings it.
				synchronized (this.lock) {
					this.publishing = false;
				}
			}
		}
	}

	/** Guarded by {@link #lock}: the event for the next pending change, marked as published; {@code null} if none. */
	private @Nullable DataStoreStatusChangedEvent takePendingEvent() {
		while (this.running && !this.pending.isEmpty()) {
			DataStoreStatus next = this.pending.poll();
			if (!next.isSameStateAs(this.published)) {
				DataStoreStatus previous = this.published;
				this.published = next;
				return new DataStoreStatusChangedEvent(this.statusProvider, next, previous);
			}
		}
		return null;
	}

}
