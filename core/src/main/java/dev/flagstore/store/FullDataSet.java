package dev.flagstore.store;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A complete data set: every kind with all of its items, in insertion order. Immutable: the map is copied on
 * construction.
 *
 * @param <T> the item type ({@link ItemDescriptor} or {@link SerializedItemDescriptor})
 * @param data the items by kind; neither keys nor values may be {@code null}
 */
public record FullDataSet<T>(Map<DataKind, KeyedItems<T>> data) {

	/**
	 * Copies {@code data}, keeping its order.
	 * @throws NullPointerException if the map, a kind or its items are {@code null}
	 */
	public FullDataSet {
		Objects.requireNonNull(data, "data");
		Map<DataKind, KeyedItems<T>> copy = new LinkedHashMap<>();
		data.forEach((kind, items) -> copy.put(Objects.requireNonNull(kind, "kind"),
				Objects.requireNonNull(items, () -> "items of kind '" + kind.getName() + "'")));
		data = Collections.unmodifiableMap(copy);
	}

}
