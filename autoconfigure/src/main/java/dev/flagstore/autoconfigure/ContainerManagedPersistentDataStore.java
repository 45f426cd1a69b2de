package dev.flagstore.autoconfigure;

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
 * A view of a {@link PersistentDataStore} bean that forwards every call except {@link #close()}: the application
 * context, which created the bean, closes it (Spring closes every {@link AutoCloseable} bean), so the wrapper must
 * not close it a second time. It has the delegate's {@link NonBlockingReads} too, when the delegate has them.
 */
final class ContainerManagedPersistentDataStore implements PersistentDataStore, NonBlockingReads {

	private final PersistentDataStore delegate;

	ContainerManagedPersistentDataStore(PersistentDataStore delegate) {
		this.delegate = delegate;
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
	public void setUpdateSink(@Nullable DataStoreUpdateSink sink) {
		this.delegate.setUpdateSink(sink);
	}

	@Override
	public boolean isNonBlocking() {
		return this.delegate instanceof NonBlockingReads reads && reads.isNonBlocking();
	}

	@Override
	public CompletionStage<@Nullable SerializedItemDescriptor> getAsync(DataKind kind, String key) {
		return ((NonBlockingReads) this.delegate).getAsync(kind, key);
	}

	@Override
	public CompletionStage<KeyedItems<SerializedItemDescriptor>> getAllAsync(DataKind kind) {
		return ((NonBlockingReads) this.delegate).getAllAsync(kind);
	}

	@Override
	public void close() {
		// Closed by the application context, after the wrapper that uses this view.
	}

	@Override
	public String toString() {
		return this.delegate.toString();
	}

	/** The application's store describes itself, under its own class. */
	@Override
	public java.util.Map<String, Object> describeConfiguration() {
		java.util.Map<String, Object> description = new java.util.LinkedHashMap<>();
		description.put("class", this.delegate.getClass().getName());
		description.putAll(this.delegate.describeConfiguration());
		return description;
	}

}
