package dev.flagstore.changes;

import java.util.Objects;

import dev.flagstore.store.DataKind;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link FlagTracker#addValueChangeListener value-change listener}'s evaluator answers for an item changed:
 * {@code oldValue} and {@code newValue} are never equal ({@link Objects#equals}).
 *
 * @param <V> the type the evaluator answers ({@code null} values allowed if the evaluator answers them)
 * @param kind the item's kind
 * @param key the item's key
 * @param oldValue the value before the change (as last evaluated)
 * @param newValue the value after the change
 */
public record FlagValueChange<V extends @Nullable Object>(DataKind kind, String key, V oldValue, V newValue) {

	/**
	 * Validates the change.
	 * @throws NullPointerException if {@code kind} or {@code key} is {@code null}
	 */
	public FlagValueChange {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(key, "key");
	}

}
