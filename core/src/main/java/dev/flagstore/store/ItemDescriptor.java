package dev.flagstore.store;

import org.jspecify.annotations.Nullable;

/**
 * A versioned item, or the tombstone of a deleted one.
 *
 * @param version the item's version; never negative. An update is applied only over a lower version.
 * @param item the item, or {@code null} if this is a tombstone (the item was deleted at {@code version})
 */
public record ItemDescriptor(int version, @Nullable Object item) {

	/**
	 * Validates the version.
	 * @throws IllegalArgumentException if {@code version} is negative
	 */
	public ItemDescriptor {
		if (version < 0) {
			throw new IllegalArgumentException("version must not be negative: " + version);
		}
	}

	/**
	 * A tombstone: the item was deleted at {@code version}.
	 * @param version the version of the deletion
	 * @return a descriptor with a {@code null} item
	 */
	public static ItemDescriptor deleted(int version) {
		return new ItemDescriptor(version, null);
	}

	/**
	 * Whether this is a tombstone.
	 * @return {@code true} if the item is {@code null}
	 */
	public boolean isDeleted() {
		return this.item == null;
	}

}
