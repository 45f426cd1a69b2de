package dev.flagstore.store;

import java.util.Map;

import dev.flagstore.status.DataStoreUpdateSink;
import org.jspecify.annotations.Nullable;

/**
 * What a database adapter implements to keep flagstore data in a shared, persistent store (Redis, SQL, ...).
 *
 * <p>It deals only in serialized items; caching, versioned deserialization and status tracking are done by
 * {@link PersistentDataStoreWrapper}. Any exception thrown by a method other than {@link #isStoreAvailable()}
 * means "the store may be unavailable". Implementations must be thread-safe, and their writes must be correct
 * when several processes share the store. The {@code flagstore-test} artifact holds a contract test suite.
 */
public interface PersistentDataStore extends AutoCloseable {

	/**
	 * Replaces all data, atomically where the store can, and marks the store initialized.
	 * @param allData the complete data set
	 */
	void init(FullDataSet<SerializedItemDescriptor> allData);

	/**
	 * Reads one item.
	 * @param kind the kind
	 * @param key the key
	 * @return the item or its tombstone, or {@code null} if there is none
	 */
	@Nullable SerializedItemDescriptor get(DataKind kind, String key);

	/**
	 * Reads all items of a kind, tombstones included.
	 * @param kind the kind
	 * @return the items, never {@code null}
	 */
	KeyedItems<SerializedItemDescriptor> getAll(DataKind kind);

	/**
	 * Writes an item if its version is higher than the stored one, atomically even when several processes
	 * write the same key.
	 * @param kind the kind
	 * @param key the key
	 * @param item the item or tombstone
	 * @return {@code true} if it was written, {@code false} if the stored version was equal or higher
	 */
	boolean upsert(DataKind kind, String key, SerializedItemDescriptor item);

	/**
	 * Whether {@link #init} has run, in this process or any other sharing the store.
	 * @return whether the store is initialized
	 */
	boolean isInitialized();

	/**
	 * Tests, with the cheapest possible round trip, whether the store answers.
	 * @return whether the store is available; never throws
	 */
	boolean isStoreAvailable();

	/**
	 * Releases connections and threads. Called exactly once by the wrapper.
	 */
	@Override
	void close();

	/**
	 * Called once by the wrapper when it is built. A store that knows its own health may keep the sink and push
	 * status changes through it.
	 * @param sink the sink
	 */
	default void setUpdateSink(@Nullable DataStoreUpdateSink sink) {
	}

	/**
	 * Describes this store's configuration for operators (the Actuator endpoint {@code flagstore}, the
	 * {@code info} endpoint), as the LaunchDarkly SDKs' {@code DiagnosticDescription} does: what it is and how it is
	 * set up (a key prefix, a table prefix, the database product and version), never a password, a token, or a URL
	 * that could hold credentials. Must be cheap and do no store I/O: it is called on the endpoint's thread.
	 * @return names to values that are strings, numbers, booleans, or lists and maps of those; the default is empty
	 */
	default Map<String, Object> describeConfiguration() {
		return Map.of();
	}

}
