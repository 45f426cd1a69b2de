package dev.flagstore.store;

import java.util.LinkedHashMap;
import java.util.Map;

/** Test kinds and items. */
final class TestData {

	/** A flag as an application would model it. */
	record Flag(String key, int version, boolean on) {
	}

	static final DataKind FEATURES = DataKind.json("features", Flag.class);

	static final DataKind SEGMENTS = DataKind.json("segments", Flag.class);

	private TestData() {
	}

	static ItemDescriptor flag(String key, int version) {
		return new ItemDescriptor(version, new Flag(key, version, true));
	}

	static FullDataSet<ItemDescriptor> dataSet(ItemDescriptor... features) {
		Map<String, ItemDescriptor> items = new LinkedHashMap<>();
		for (ItemDescriptor item : features) {
			items.put(((Flag) item.item()).key(), item);
		}
		Map<DataKind, KeyedItems<ItemDescriptor>> data = new LinkedHashMap<>();
		data.put(FEATURES, new KeyedItems<>(items));
		return new FullDataSet<>(data);
	}

}
