package dev.flagstore.source;

import dev.flagstore.status.DataStoreStatusProvider;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link FlagSource} writes its data and reports its status. Thread-safe.
 *
 * <p>A store failure never escapes the sink: a write the store rejects returns {@code false} ({@link #init}: the
 * failure is recorded), and the source's status gets an error of kind {@link FlagSourceErrorKind#STORE_ERROR}
 * with its state unchanged. Argument errors ({@code null}s) still throw.
 */
public interface FlagSourceUpdateSink {

	/**
	 * Replaces all data in the store with a full data set. A successful {@code init} clears the store's
	 * {@code refreshNeeded}.
	 * @param allData the full data set
	 */
	void init(FullDataSet<ItemDescriptor> allData);

	/**
	 * Adds or updates one item, applied only over a lower version.
	 * @param kind the item's kind
	 * @param key the item's key
	 * @param item the versioned item or tombstone
	 * @return {@code true} if the store accepted the call (whether or not the version was newer), {@code false}
	 * if the store failed
	 */
	boolean upsert(DataKind kind, String key, ItemDescriptor item);

	/**
	 * Deletes one item: writes a tombstone at {@code version}.
	 * @param kind the item's kind
	 * @param key the item's key
	 * @param version the version of the deletion
	 * @return {@code true} if the store accepted the call, {@code false} if the store failed
	 */
	boolean delete(DataKind kind, String key, int version);

	/**
	 * Reports the source's state. Follows the seed's rules: {@link FlagSourceState#INTERRUPTED} reported while
	 * still {@link FlagSourceState#INITIALIZING} stays {@code INITIALIZING}; {@link FlagSourceState#OFF} is final;
	 * an update that changes neither the state nor the error is not published.
	 * @param state the new state
	 * @param error the error that caused it, or {@code null} to keep the last error
	 */
	void updateStatus(FlagSourceState state, @Nullable FlagSourceErrorInfo error);

	/**
	 * The status of the store this sink writes to, so that a source can wait for it or watch it.
	 * @return the store's status provider
	 */
	DataStoreStatusProvider getDataStoreStatusProvider();

}
