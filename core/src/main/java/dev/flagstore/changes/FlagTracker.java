package dev.flagstore.changes;

import java.util.function.Function;

import dev.flagstore.store.DataKind;
import dev.flagstore.store.ItemDescriptor;
import org.jspecify.annotations.Nullable;

/**
 * Tells listeners when items of a store change (LaunchDarkly's {@code FlagTracker}): every applied write, every
 * item an {@code init} added, removed or changed, and every item that depends on one of those
 * ({@link DataKind#withDependencies}, transitively, once each). See {@code docs/changes.md} for what fires when.
 *
 * <p>Listeners are called on worker threads, never on the writer's thread and never under a lock; per listener in
 * order; one slow or throwing listener does not delay or break the others. A change is delivered after it is
 * visible to readers of the store: a listener that reads the item sees at least the version of its event. Thread
 * safe.
 */
public interface FlagTracker {

	/**
	 * Subscribes a listener to every change; adding the same listener (by identity) again has no effect.
	 * @param listener the listener
	 */
	void addListener(FlagChangeListener listener);

	/**
	 * Unsubscribes a listener (or a {@link #addValueChangeListener value-change subscription}); changes already on
	 * their way to it may still be delivered. Unknown listeners are ignored.
	 * @param listener the listener, or the handle {@link #addValueChangeListener} returned
	 */
	void removeListener(FlagChangeListener listener);

	/**
	 * Watches what {@code evaluator} answers for one item: evaluates it at once (on the calling thread, with the
	 * item as the store has it now, {@code null} if absent), then again on a worker thread after every change of
	 * the item or of an item it depends on, and calls {@code listener} only when the answer differs from the last
	 * one ({@link java.util.Objects#equals}). A re-evaluation whose read fails (the store is down) or whose evaluator
	 * throws is logged and skipped: the last answer stands until the next change.
	 * @param <V> the type the evaluator answers
	 * @param kind the item's kind
	 * @param key the item's key
	 * @param evaluator turns the item (or {@code null}) into the watched value
	 * @param listener called when the value changes
	 * @return the subscription: pass it to {@link #removeListener} to stop watching
	 * @throws RuntimeException if the first evaluation fails (the read or the evaluator); nothing is subscribed then
	 */
	<V extends @Nullable Object> FlagChangeListener addValueChangeListener(DataKind kind, String key,
			Function<@Nullable ItemDescriptor, V> evaluator, FlagValueChangeListener<V> listener);

}
