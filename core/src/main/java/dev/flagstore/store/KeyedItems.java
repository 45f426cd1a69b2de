package dev.flagstore.store;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The items of one kind, by key, in insertion order. Immutable: the map is copied on construction.
 *
 * @param <T> the item type ({@link ItemDescriptor} or {@link SerializedItemDescriptor})
 * @param items the items by key; neither keys nor values may be {@code null}
 */
public record KeyedItems<T>(Map<String, T> items) {

	/**
	 * Copies {@code items}, keeping their order.
	 * @throws NullPointerException if the map, a key or a value is {@code null}
	 */
	public KeyedItems {
		Objects.requireNonNull(items, "items");
		Map<String, T> copy = new LinkedHashMap<>(Math.max(16, (int) (items.size() / 0.75f) + 1));
		items.forEach((key, value) -> copy.put(Objects.requireNonNull(key, "key"),
				Objects.requireNonNull(value, () -> "item of key '" + key + "'")));
		items = Collections.unmodifiableMap(copy);
	}

	/**
	 * No items.
	 * @param <T> the item type
	 * @return an empty instance
	 */
	public static <T> KeyedItems<T> empty() {
		return new KeyedItems<>(Map.of());
	}

}
