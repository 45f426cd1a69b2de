package dev.flagstore.store;

import org.jspecify.annotations.Nullable;

/**
 * The form in which a {@link PersistentDataStore} keeps an item.
 *
 * <p>The wrapper always fills in all three fields (a tombstone's {@code serializedItem} is its kind's
 * placeholder, such as {@code {"version":3,"deleted":true}}), so a store may keep only the string. A store that
 * answers {@code version == 0 && !deleted} makes the wrapper decode both from the string.
 *
 * @param version the item's version; never negative
 * @param deleted whether this is a tombstone
 * @param serializedItem the item in its kind's serialized form; {@code null} only for a tombstone
 */
public record SerializedItemDescriptor(int version, boolean deleted, @Nullable String serializedItem) {

	/**
	 * Validates the version.
	 * @throws IllegalArgumentException if {@code version} is negative
	 */
	public SerializedItemDescriptor {
		if (version < 0) {
			throw new IllegalArgumentException("version must not be negative: " + version);
		}
	}

}
