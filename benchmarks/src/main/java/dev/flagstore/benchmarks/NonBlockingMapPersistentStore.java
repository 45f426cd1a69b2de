package dev.flagstore.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.flagstore.status.DataStoreUpdateSink;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.store.NonBlockingReads;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.store.SerializedItemDescriptor;
import org.jspecify.annotations.Nullable;

/**
 * {@link MapPersistentStore} with {@link NonBlockingReads} that answer at once (completed futures): the wrapper's
 * non-blocking read path with no I/O, so that its own cost per call shows.
 */
final class NonBlockingMapPersistentStore implements PersistentDataStore, NonBlockingReads {

	final MapPersistentStore delegate;

	NonBlockingMapPersistentStore(MapPersistentStore delegate) {
		this.delegate = delegate;
	}

	@Override
	public CompletionStage<@Nullable SerializedItemDescriptor> getAsync(DataKind kind, String key) {
		try {
			return CompletableFuture.completedFuture(this.delegate.get(kind, key));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	@Override
	public CompletionStage<KeyedItems<SerializedItemDescriptor>> getAllAsync(DataKind kind) {
		try {
			return CompletableFuture.completedFuture(this.delegate.getAll(kind));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	@Override
	public void init(FullDataSet<SerializedItemDescriptor> allData) {
		this.delegate.init(allData);
	}

	@Override
	public @Nullable SerializedItemDescriptor get(DataKind kind, String key) {
		return this.delegate.get(kind, key);
	}

	@Override
	public KeyedItems<SerializedItemDescriptor> getAll(DataKind kind) {
		return this.delegate.getAll(kind);
	}

	@Override
	public boolean upsert(DataKind kind, String key, SerializedItemDescriptor item) {
		return this.delegate.upsert(kind, key, item);
	}

	@Override
	public boolean isInitialized() {
		return this.delegate.isInitialized();
	}

	@Override
	public boolean isStoreAvailable() {
		return this.delegate.isStoreAvailable();
	}

	@Override
	public void close() {
		this.delegate.close();
	}

	@Override
	public void setUpdateSink(@Nullable DataStoreUpdateSink sink) {
		this.delegate.setUpdateSink(sink);
	}

}
