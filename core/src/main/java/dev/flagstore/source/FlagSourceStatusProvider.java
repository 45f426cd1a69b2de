package dev.flagstore.source;

import java.time.Duration;

/**
 * Tells whether the {@link FlagSource} that feeds the store works, now and as it changes.
 *
 * <p>Implementations are thread-safe; {@link #getStatus()} never blocks.
 */
public interface FlagSourceStatusProvider {

	/**
	 * The current status.
	 * @return the current status, never {@code null}
	 */
	FlagSourceStatus getStatus();

	/**
	 * Subscribes a listener to status changes. Adding the same listener twice has no further effect.
	 * @param listener the listener
	 * @throws NullPointerException if {@code listener} is {@code null}
	 */
	void addStatusListener(FlagSourceStatusListener listener);

	/**
	 * Unsubscribes a listener; changes already queued for it may still be delivered. Unknown listeners are ignored.
	 * @param listener the listener
	 */
	void removeStatusListener(FlagSourceStatusListener listener);

	/**
	 * Waits until the source is in {@code state}, or until it is {@link FlagSourceState#OFF} (final), or the
	 * timeout passes.
	 * @param state the state to wait for
	 * @param timeout how long to wait at most; zero or negative does not wait
	 * @return whether the source is in {@code state} on return
	 * @throws InterruptedException if the waiting thread is interrupted (its flag is then clear, as usual)
	 */
	boolean waitFor(FlagSourceState state, Duration timeout) throws InterruptedException;

}
