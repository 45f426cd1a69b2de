package dev.flagstore.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import dev.flagstore.internal.ErrorDescriptions;
import dev.flagstore.store.StoreCalls.Lane;
import org.jspecify.annotations.Nullable;

/**
 * The persistent store in the wrapper's terms: each operation serializes or decodes items with the kind's codec and
 * runs as a {@link StoreCalls store call} (deadline, bulkhead, failure recorded).
 */
final class StoreAccess {

	private final PersistentDataStore store;

	private final StoreCalls calls;

	/** The store's non-blocking reads, if it has them and says they apply. */
	private final @Nullable NonBlockingReads nonBlocking;

	StoreAccess(PersistentDataStore store, StoreCalls calls) {
		this.store = store;
		this.calls = calls;
		this.nonBlocking = (store instanceof NonBlockingReads reads && reads.isNonBlocking()) ? reads : null;
	}

	StoreCalls calls() {
		return this.calls;
	}

	/** Starts reading one item; the future fails with {@link MalformedItemException} for bad data. */
	CompletableFuture<Optional<ItemDescriptor>> loadItem(DataKind kind, String key) {
		NonBlockingReads reads = this.nonBlocking;
		CompletableFuture<@Nullable SerializedItemDescriptor> call = (reads != null)
				? this.calls.submitNonBlocking(StoreOperation.GET, kind, Lane.APPLICATION, () -> reads.getAsync(kind, key))
				: this.calls.submit(StoreOperation.GET, kind, Lane.APPLICATION, () -> this.store.get(kind, key));
		return call.thenApply(stored -> (stored != null) ? Optional.of(decode(kind, key, stored)) : Optional.empty());
	}

	/** Starts reading all items of a kind. */
	CompletableFuture<KeyedItems<ItemDescriptor>> loadAll(DataKind kind, Lane lane, StoreOperation operation) {
		NonBlockingReads reads = this.nonBlocking;
		CompletableFuture<KeyedItems<SerializedItemDescriptor>> call = (reads != null)
				? this.calls.submitNonBlocking(operation, kind, lane, () -> reads.getAllAsync(kind))
				: this.calls.submit(operation, kind, lane, () -> this.store.getAll(kind));
		return call.thenApply(stored -> decodeAll(kind, stored));
	}

	Optional<ItemDescriptor> getItem(DataKind kind, String key) {
		return this.calls.await(loadItem(kind, key), StoreOperation.GET, kind);
	}

	KeyedItems<ItemDescriptor> getAll(DataKind kind, Lane lane, StoreOperation operation) {
		return this.calls.await(loadAll(kind, lane, operation), operation, kind);
	}

	/**
	 * Upserts within what is left of the caller's deadline.
	 * @param remainingNanos what is left of the caller's deadline after waiting for the write lock
	 */
	boolean upsert(DataKind kind, String key, ItemDescriptor item, Lane lane, StoreOperation operation,
			long remainingNanos) {
		SerializedItemDescriptor serialized = serialize(kind, item);
		return this.calls.callWithin(operation, kind, lane, () -> this.store.upsert(kind, key, serialized),
				remainingNanos);
	}

	/** Replaces the store's data within what is left of the caller's deadline; see {@link #upsert}. */
	void init(FullDataSet<ItemDescriptor> allData, Lane lane, StoreOperation operation, long remainingNanos) {
		FullDataSet<SerializedItemDescriptor> serialized = serialize(allData);
		this.calls.callWithin(operation, null, lane, () -> {
			this.store.init(serialized);
			return null;
		}, remainingNanos);
	}

	boolean isInitialized(Lane lane, StoreOperation operation) {
		return this.calls.call(operation, null, lane, this.store::isInitialized);
	}

	/**
	 * {@link PersistentDataStore#isStoreAvailable()} within the deadline (a background call).
	 * @throws DataStoreException if it answered {@code false}, threw or timed out (recorded as a failure)
	 */
	void probe() {
		this.calls.call(StoreOperation.PROBE, null, Lane.BACKGROUND, () -> {
			if (!this.store.isStoreAvailable()) {
				throw new DataStoreException("isStoreAvailable() answered false");
			}
			return Boolean.TRUE;
		});
	}

	static FullDataSet<SerializedItemDescriptor> serialize(FullDataSet<ItemDescriptor> allData) {
		Map<DataKind, KeyedItems<SerializedItemDescriptor>> data = new LinkedHashMap<>();
		allData.data().forEach((kind, items) -> {
			Map<String, SerializedItemDescriptor> serialized = new LinkedHashMap<>();
			items.items().forEach((key, item) -> serialized.put(key, serialize(kind, item)));
			data.put(kind, new KeyedItems<>(serialized));
		});
		return new FullDataSet<>(data);
	}

	static SerializedItemDescriptor serialize(DataKind kind, ItemDescriptor item) {
		return new SerializedItemDescriptor(item.version(), item.isDeleted(), kind.serialize(item));
	}

	private static KeyedItems<ItemDescriptor> decodeAll(DataKind kind,
			KeyedItems<SerializedItemDescriptor> stored) {
		if (stored == null) {
			throw new MalformedItemException(kind.getName(), "*",
					"PersistentDataStore.getAll returned null (it must return an empty KeyedItems)", null);
		}
		Map<String, ItemDescriptor> items = new LinkedHashMap<>();
		stored.items().forEach((key, item) -> items.put(key, decode(kind, key, item)));
		return new KeyedItems<>(items);
	}

	/**
	 * Decodes what the store answered. Version and deletion come from the descriptor, or from the string when the
	 * store answers {@code version == 0 && !deleted} (a store that keeps only the string).
	 */
	static ItemDescriptor decode(DataKind kind, String key, SerializedItemDescriptor stored) {
		if (stored.deleted()) {
			return ItemDescriptor.deleted(stored.version());
		}
		String text = stored.serializedItem();
		if (text == null) {
			throw new MalformedItemException(kind.getName(), key,
					"the store returned no serialized item for a live item (version " + stored.version() + ")", null);
		}
		ItemDescriptor decoded;
		try {
			decoded = kind.deserialize(text);
		}
		catch (RuntimeException ex) {
			throw new MalformedItemException(kind.getName(), key, ErrorDescriptions.sanitize(ex.getMessage()), ex);
		}
		if (stored.version() == 0 || stored.version() == decoded.version()) {
			return decoded;
		}
		return decoded.isDeleted() ? ItemDescriptor.deleted(stored.version())
				: new ItemDescriptor(stored.version(), decoded.item());
	}

}
