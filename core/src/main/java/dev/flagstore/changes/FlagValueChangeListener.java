package dev.flagstore.changes;

import org.jspecify.annotations.Nullable;

/**
 * Told when what an evaluator answers for one item changes ({@link FlagTracker#addValueChangeListener}).
 *
 * <p>Called on a flagstore worker thread, like a {@link FlagChangeListener}, in the order the changes happened.
 * @param <V> the type the evaluator answers
 */
@FunctionalInterface
public interface FlagValueChangeListener<V extends @Nullable Object> {

	/**
	 * The evaluated value changed.
	 * @param change the old and the new value
	 */
	void onFlagValueChange(FlagValueChange<V> change);

}
