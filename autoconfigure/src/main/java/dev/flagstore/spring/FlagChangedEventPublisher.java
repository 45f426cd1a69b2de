package dev.flagstore.spring;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.flagstore.changes.FlagChange;
import dev.flagstore.changes.FlagChangeListener;
import dev.flagstore.changes.FlagTracker;
import dev.flagstore.store.ItemRef;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * Bridges a {@link FlagTracker} to the application context: every change becomes a {@link FlagChangedEvent}.
 *
 * <p>It subscribes at once (so no change is missed), but publishes only while it runs (from the start of the
 * lifecycle phase, when every {@code @EventListener} method is registered, until the context stops). The changes
 * that happen before the start (or after a stop) are kept, the latest per item, and published at the start; while
 * running, every change is published, in order.
 *
 * <p>Thread-safe. Events are published one at a time, in the order the changes happened, on the tracker's listener
 * thread or on the thread that starts the context, and never while a lock is held: a slow {@code @EventListener}
 * delays later events, but not {@link #stop()} and not the store.
 */
public class FlagChangedEventPublisher implements FlagChangeListener, SmartLifecycle, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(FlagChangedEventPublisher.class);

	private final FlagTracker tracker;

	private final ApplicationEventPublisher eventPublisher;

	private final Object lock = new Object();

	/** Guarded by {@link #lock}: the changes to publish, in order. */
	private final ArrayDeque<FlagChange> pending = new ArrayDeque<>();

	/** Guarded by {@link #lock}: while not running, the latest change per item, in the order first seen. */
	private final Map<ItemRef, FlagChange> early = new LinkedHashMap<>();

	/** Guarded by {@link #lock}. */
	private boolean running;

	/** Guarded by {@link #lock}: whether a thread is publishing; only that thread publishes until it clears it. */
	private boolean publishing;

	/**
	 * Creates the bridge and subscribes it to {@code tracker}.
	 * @param tracker the changes to watch; not {@code null}
	 * @param eventPublisher where to publish the events; not {@code null}
	 */
	public FlagChangedEventPublisher(FlagTracker tracker, ApplicationEventPublisher eventPublisher) {
		Assert.notNull(tracker, "'tracker' must not be null");
		Assert.notNull(eventPublisher, "'eventPublisher' must not be null");
		this.tracker = tracker;
		this.eventPublisher = eventPublisher;
		tracker.addListener(this);
	}

	@Override
	public void onFlagChange(FlagChange change) {
		synchronized (this.lock) {
			if (!this.running) {
				ItemRef ref = new ItemRef(change.kind(), change.key());
				// The latest change of an item stands for the earlier ones; it moves to the end (it is the newest).
				this.early.remove(ref);
				this.early.put(ref, change);
				return;
			}
			this.pending.add(change);
		}
		publishPending();
	}

	@Override
	public void start() {
		synchronized (this.lock) {
			this.running = true;
			this.pending.addAll(this.early.values());
			this.early.clear();
		}
		publishPending();
	}

	/**
	 * Stops publishing. Returns at once, also while a listener is handling an event on another thread; no event is
	 * published after it returns, other than the one such a listener may still be handling. Changes not yet
	 * published are kept for a restart.
	 */
	@Override
	public void stop() {
		synchronized (this.lock) {
			this.running = false;
			for (FlagChange change : this.pending) {
				ItemRef ref = new ItemRef(change.kind(), change.key());
				this.early.remove(ref);
				this.early.put(ref, change);
			}
			this.pending.clear();
		}
	}

	@Override
	public boolean isRunning() {
		synchronized (this.lock) {
			return this.running;
		}
	}

	/**
	 * Stops publishing and unsubscribes from the tracker. Called when the context closes.
	 */
	@Override
	public void destroy() {
		stop();
		this.tracker.removeListener(this);
	}

	/**
	 * Publishes the pending changes outside the lock, one thread at a time: a thread that finds another one
	 * publishing leaves its change to it, and the publishing thread keeps going until nothing is pending.
	 */
	private void publishPending() {
		FlagChange change;
		synchronized (this.lock) {
			if (this.publishing) {
				return;
			}
			change = takePending();
			if (change == null) {
				return;
			}
			this.publishing = true;
		}
		boolean done = false;
		try {
			while (change != null) {
				try {
					this.eventPublisher.publishEvent(new FlagChangedEvent(this.tracker, change));
				}
				catch (RuntimeException ex) {
					// As the tracker does for its own listeners: logged, and the next change is published all the
					// same (on the context's start thread, the exception would otherwise fail the start).
					logger.warn("An application listener of {} threw; later changes are published all the same", change,
							ex);
				}
				synchronized (this.lock) {
					change = takePending();
					if (change == null) {
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

	/** Guarded by {@link #lock}. */
	private @Nullable FlagChange takePending() {
		return this.running ? this.pending.poll() : null;
	}

}
