package dev.flagstore.store;

import java.util.Objects;

/**
 * A reference to one item of a store: its kind and key, as a {@link DataKind#withDependencies dependency function}
 * names the items an item refers to. Two references are equal when their kinds' names and their keys are.
 *
 * @param kind the item's kind
 * @param key the item's key
 */
public record ItemRef(DataKind kind, String key) {

	/**
	 * Validates the reference.
	 * @throws NullPointerException if {@code kind} or {@code key} is {@code null}
	 */
	public ItemRef {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(key, "key");
	}

}
