package dev.flagstore.store;

import java.util.Map;

import dev.flagstore.changes.FlagTracker;
import dev.flagstore.internal.InertFlagTracker;
import dev.flagstore.status.DataStoreStatusProvider;
import org.jspecify.annotations.Nullable;

/**
 * The versioned store of feature-flag data that the application reads and writes.
 *
 * <p>Updates are versioned: an item replaces the stored one only if its version is higher, so updates that
 * arrive out of order converge. Deletions are stored as tombstones so that a late, older update cannot bring a
 * deleted item back. Implementations are thread-safe.
 */
public interface DataStore extends AutoCloseable {

	/**
	 * Replaces all data with {@code allData}.
	 * @param allData the complete data set
	 * @throws DataStoreException if the store failed; the data may not have been stored
	 */
	void init(FullDataSet<ItemDescriptor> allData);

	/**
	 * Reads one item.
	 * @param kind the kind
	 * @param key the key
	 * @return the item; a tombstone if it was deleted; {@code null} if the store never had it
	 * @throws DataStoreException if the store failed and no cached answer exists (never answers "absent" because
	 * of a failure)
	 */
	@Nullable ItemDescriptor get(DataKind kind, String key);

	/**
	 * Reads all items of a kind, tombstones included, in the order the store keeps them.
	 * @param kind the kind
	 * @return the items, never {@code null}
	 * @throws DataStoreException if the store failed and no cached answer exists
	 */
	KeyedItems<ItemDescriptor> getAll(DataKind kind);

	/**
	 * Inserts or updates an item if its version is higher than the stored one.
	 * @param kind the kind
	 * @param key the key
	 * @param item the new item or tombstone
	 * @return {@code true} if it was applied, {@code false} if the store already had this or a higher version
	 * @throws DataStoreException if the store failed
	 */
	boolean upsert(DataKind kind, String key, ItemDescriptor item);

	/**
	 * Deletes an item by upserting a tombstone with {@code version}.
	 * @param kind the kind
	 * @param key the key
	 * @param version the version of the deletion
	 * @return {@code true} if it was applied
	 * @throws DataStoreException if the store failed
	 */
	default boolean delete(DataKind kind, String key, int version) {
		return upsert(kind, key, ItemDescriptor.deleted(version));
	}

	/**
	 * Whether the store holds a complete data set ({@link #init} has run, here or in another process).
	 * @return whether the store is initialized; {@code false} if that cannot be told because the store failed
	 */
	boolean isInitialized();

	/**
	 * Whether this store reports status changes.
	 * @return {@code true} for persistent stores, {@code false} for the in-memory store
	 */
	boolean isStatusMonitoringEnabled();

	/**
	 * The status of this store.
	 * @return the provider; for stores without monitoring, one that is always available
	 */
	DataStoreStatusProvider getStatusProvider();

	/**
	 * The changes of this store's items ({@code docs/changes.md}): every applied write, every item an {@code init}
	 * added, removed or changed, and their dependents. flagstore's stores answer the same tracker on every call.
	 * @return the tracker; the default (for a store implemented by the application) accepts listeners and never
	 * calls them, and evaluates a value-change listener once
	 */
	default FlagTracker getFlagTracker() {
		return new InertFlagTracker(this);
	}

	/**
	 * Describes this store's configuration for operators (see {@link PersistentDataStore#describeConfiguration()}):
	 * no secrets, no store I/O.
	 * @return names to values that are strings, numbers, booleans, or lists and maps of those; the default names
	 * the class
	 */
	default Map<String, Object> describeConfiguration() {
		return Map.of("type", getClass().getName());
	}

	/**
	 * Releases the store's threads and connections. Idempotent; declares no checked exception.
	 */
	@Override
	void close();

}
