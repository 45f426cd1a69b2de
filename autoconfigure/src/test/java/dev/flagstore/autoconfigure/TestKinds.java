package dev.flagstore.autoconfigure;

import dev.flagstore.store.DataKind;
import dev.flagstore.store.ItemDescriptor;

/**
 * A data kind for tests whose items are strings, serialized as {@code version:value} (a tombstone is
 * {@code version:}).
 */
final class TestKinds {

	static final DataKind FEATURES = DataKind.of("features", TestKinds::serialize, TestKinds::deserialize);

	private TestKinds() {
	}

	private static String serialize(ItemDescriptor item) {
		return item.version() + ":" + ((item.item() != null) ? item.item() : "");
	}

	private static ItemDescriptor deserialize(String text) {
		int colon = text.indexOf(':');
		int version = Integer.parseInt(text.substring(0, colon));
		String value = text.substring(colon + 1);
		return value.isEmpty() ? ItemDescriptor.deleted(version) : new ItemDescriptor(version, value);
	}

}
