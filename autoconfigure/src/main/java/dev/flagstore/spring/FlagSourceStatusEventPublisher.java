package dev.flagstore.spring;

import java.util.ArrayDeque;

import dev.flagstore.source.FlagSourceStatus;
import dev.flagstore.source.FlagSourceStatusListener;
import dev.flagstore.source.FlagSourceStatusProvider;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * Bridges a {@link FlagSourceStatusProvider} to the application context: every status change becomes a
 * {@link FlagSourceStatusChangedEvent}. The same design as {@link DataStoreStatusEventPublisher}.
 *
 * <p>It subscribes when it is created, then reads the status it starts from. Created before the flag source runs
 * (the auto-configuration starts the source in a lifecycle phase, after every bean exists), it cannot miss a change
 * nor see one twice; created later, a change that the first read already holds is not published again. It
 * publishes only while it runs (from the start of its lifecycle phase, when every {@code @EventListener} method is
 * registered, until the context stops); the changes from before the start are published at the start as one event
 * from the first status read to the current one. Nothing is published after {@link #stop()}.
 *
 * <p>Thread-safe. Events are published one at a time, in the order the changes happened, never while a lock is
 * held: a slow {@code @EventListener} delays later events, but not {@link #stop()} and not the source.
 */
public class FlagSourceStatusEventPublisher implements FlagSourceStatusListener, SmartLifecycle, DisposableBean {

	private final FlagSourceStatusProvider statusProvider;

	private final ApplicationEventPublisher eventPublisher;

	private final Object lock = new Object();

	/** Guarded by {@link #lock}: the status the subscribers were last told about (or the first status read). */
	private FlagSourceStatus published;

	/** Guarded by {@link #lock}: changes seen and not yet published, in order; before the start only the latest. */
	private final ArrayDeque<FlagSourceStatus> pending = new ArrayDeque<>();

	/** Guarded by {@link #lock}. */
	private boolean running;

	/** Guarded by {@link #lock}: whether a thread is publishing; only that thread publishes until it clears it. */
	private boolean publishing;

	/**
	 * Creates the bridge and subscribes it to {@code statusProvider}.
	 * @param statusProvider the status to watch; not {@code null}
	 * @param eventPublisher where to publish the events; not {@code null}
	 */
	public FlagSourceStatusEventPublisher(FlagSourceStatusProvider statusProvider,
			ApplicationEventPublisher eventPublisher) {
		Assert.notNull(statusProvider, "'statusProvider' must not be null");
		Assert.notNull(eventPublisher, "'eventPublisher' must not be null");
		this.statusProvider = statusProvider;
		this.eventPublisher = eventPublisher;
		synchronized (this.lock) {
			// Subscribe, then read: a change after the subscription is delivered; one already in the read is
			// recognised by equality below.
			statusProvider.addStatusListener(this);
			this.published = statusProvider.getStatus();
		}
	}

	@Override
	public void flagSourceStatusChanged(FlagSourceStatus newStatus) {
		synchronized (this.lock) {
			if (!this.running) {
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
			FlagSourceStatus last = this.pending.peekLast();
			this.pending.clear();
			if (last != null) {
				this.pending.add(last);
			}
		}
		publishPending();
	}

	/**
	 * Stops publishing. Returns at once, also while a listener is handling an event on another thread.
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

	private void publishPending() {
		FlagSourceStatusChangedEvent event;
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
				synchronized (this.lock) {
					this.publishing = false;
				}
			}
		}
	}

	/** Guarded by {@link #lock}: the event for the next pending change, marked as published; {@code null} if none. */
	private @Nullable FlagSourceStatusChangedEvent takePendingEvent() {
		while (this.running && !this.pending.isEmpty()) {
			FlagSourceStatus next = this.pending.poll();
			if (!next.equals(this.published)) {
				FlagSourceStatus previous = this.published;
				this.published = next;
				return new FlagSourceStatusChangedEvent(this.statusProvider, next, previous);
			}
		}
		return null;
	}

}
