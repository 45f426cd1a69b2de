package dev.flagstore.sample;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.flagstore.status.DataStoreUpdateSink;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.store.SerializedItemDescriptor;
import org.jspecify.annotations.Nullable;

/**
 * A switch in front of the real persistent store that makes it fail on demand, so the sample can show an outage
 * without stopping a database. Only the sample has it.
 */
public class SimulatedOutage implements PersistentDataStore {

	private final PersistentDataStore delegate;

	private final AtomicBoolean down = new AtomicBoolean();

	SimulatedOutage(PersistentDataStore delegate) {
		this.delegate = delegate;
	}

	/**
	 * Starts or ends the simulated outage.
	 * @param down whether the store should fail
	 */
	public void setDown(boolean down) {
		this.down.set(down);
	}

	/**
	 * Whether the simulated outage is on.
	 * @return whether the store fails
	 */
	public boolean isDown() {
		return this.down.get();
	}

	private void check() {
		if (this.down.get()) {
			throw new IllegalStateException("Simulated outage (POST /api/demo/outage started it)");
		}
	}

	@Override
	public void init(FullDataSet<SerializedItemDescriptor> allData) {
		check();
		this.delegate.init(allData);
	}

	@Override
	public @Nullable SerializedItemDescriptor get(DataKind kind, String key) {
		check();
		return this.delegate.get(kind, key);
	}

	@Override
	public KeyedItems<SerializedItemDescriptor> getAll(DataKind kind) {
		check();
		return this.delegate.getAll(kind);
	}

	@Override
	public boolean upsert(DataKind kind, String key, SerializedItemDescriptor item) {
		check();
		return this.delegate.upsert(kind, key, item);
	}

	@Override
	public boolean isInitialized() {
		check();
		return this.delegate.isInitialized();
	}

	@Override
	public boolean isStoreAvailable() {
		return !this.down.get() && this.delegate.isStoreAvailable();
	}

	@Override
	public void close() {
		this.delegate.close();
	}

	@Override
	public void setUpdateSink(@Nullable DataStoreUpdateSink sink) {
		this.delegate.setUpdateSink(sink);
	}

	/** The real store's description, and that this sample can switch it off. */
	@Override
	public java.util.Map<String, Object> describeConfiguration() {
		java.util.Map<String, Object> description = new java.util.LinkedHashMap<>();
		description.put("simulatedOutage", this.down.get());
		description.put("delegate", this.delegate.getClass().getName());
		description.putAll(this.delegate.describeConfiguration());
		return description;
	}

}
