package dev.flagstore.test;

import dev.flagstore.store.DataKind;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.store.SerializedItemDescriptor;

/**
 * Runs the contract suite against the reference store, so the kit checks itself.
 */
// tag::contract-subclass[]
class InMemoryPersistentDataStoreContractTests extends PersistentDataStoreContractTests {

	private final InMemoryPersistentDataStore database = new InMemoryPersistentDataStore();

	@Override
	protected PersistentDataStore createStore() {
		return this.database.newStoreOnSameData();
	}

	@Override
	protected void clearData() {
		this.database.clearData();
	}

	@Override
	protected boolean writeRawItem(DataKind kind, String key, int version, String rawValue) {
		// The reference store never parses what it keeps, so an upsert stores the raw string as is.
		this.database.newStoreOnSameData().upsert(kind, key, new SerializedItemDescriptor(version, false, rawValue));
		return true;
	}

}
// end::contract-subclass[]
