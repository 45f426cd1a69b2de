package dev.flagstore.changes;

import java.util.Objects;

import dev.flagstore.store.DataKind;

/**
 * An item of the store changed: it was written (a new version or a tombstone), added or removed by an {@code init},
 * or an item it depends on changed ({@link DataKind#withDependencies}). It says only that the item may now behave
 * differently; read it, or use a {@link FlagTracker#addValueChangeListener value-change listener}, to know what it
 * is now.
 *
 * @param kind the item's kind
 * @param key the item's key
 * @param version the item's version after the change: the version written; for an item that changed because one it
 * depends on did, its own (unchanged) version; for an item an {@code init} removed, its last version + 1 (as if a
 * tombstone had been written, the way a write-back removes it)
 * @param origin whether the change was made through this instance or seen from another one
 */
public record FlagChange(DataKind kind, String key, int version, Origin origin) {

	/**
	 * Validates the change.
	 * @throws NullPointerException if {@code kind}, {@code key} or {@code origin} is {@code null}
	 */
	public FlagChange {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(origin, "origin");
	}

	/**
	 * A change made through this instance ({@link Origin#LOCAL}).
	 * @param kind the item's kind
	 * @param key the item's key
	 * @param version the item's version after the change
	 */
	public FlagChange(DataKind kind, String key, int version) {
		this(kind, key, version, Origin.LOCAL);
	}

	/**
	 * Where a change was made.
	 */
	public enum Origin {

		/** Through this instance's {@link dev.flagstore.store.DataStore} (its writes, its {@code init}). */
		LOCAL,

		/** By another instance or process, seen through the store's change feed. */
		REMOTE

	}

}
