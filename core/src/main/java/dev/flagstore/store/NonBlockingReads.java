package dev.flagstore.store;

import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;

/**
 * Optional for a {@link PersistentDataStore} whose client is asynchronous (Lettuce is): reads that start a request
 * and return its future at once. The wrapper then starts cache loads on the reading thread and waits for the
 * future with the deadline, instead of handing each read to a store-call thread (a hop of tens of microseconds).
 * The bulkhead and the deadline apply as to any store call; a read past its deadline has its future cancelled.
 *
 * <p>The methods must not block: no connecting, no waiting for a pool. A store that cannot promise that for some
 * configuration answers {@code false} from {@link #isNonBlocking()}, and its blocking methods are used instead.
 * A future that completes exceptionally counts as a store failure, as an exception from a blocking call does.
 */
public interface NonBlockingReads {

	/**
	 * Whether reads should go through this interface; asked once, when the wrapper is built.
	 * @return {@code true} by default
	 */
	default boolean isNonBlocking() {
		return true;
	}

	/**
	 * Starts {@link PersistentDataStore#get}.
	 * @param kind the kind
	 * @param key the key
	 * @return the item or its tombstone, or {@code null} if there is none, when the store answers
	 */
	CompletionStage<@Nullable SerializedItemDescriptor> getAsync(DataKind kind, String key);

	/**
	 * Starts {@link PersistentDataStore#getAll}.
	 * @param kind the kind
	 * @return the items, tombstones included, when the store answers
	 */
	CompletionStage<KeyedItems<SerializedItemDescriptor>> getAllAsync(DataKind kind);

}
