package dev.flagstore.store;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.flagstore.status.DataStoreStatus;
import org.junit.jupiter.api.Test;

import static dev.flagstore.store.TestData.FEATURES;
import static dev.flagstore.store.TestData.flag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class ModelTests {

	@Test
	void itemDescriptorShouldRefuseNegativeVersion() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ItemDescriptor(-1, "x"))
			.withMessageContaining("-1");
		assertThatIllegalArgumentException().isThrownBy(() -> ItemDescriptor.deleted(-2));
		assertThatIllegalArgumentException().isThrownBy(() -> new SerializedItemDescriptor(-3, false, "{}"));
	}

	@Test
	void deletedDescriptorShouldBeATombstone() {
		assertThat(ItemDescriptor.deleted(4).isDeleted()).isTrue();
		assertThat(ItemDescriptor.deleted(4).version()).isEqualTo(4);
		assertThat(flag("a", 1).isDeleted()).isFalse();
	}

	@Test
	void keyedItemsShouldCopyDefensivelyAndKeepOrder() {
		Map<String, ItemDescriptor> source = new LinkedHashMap<>();
		for (String key : new String[] { "z", "a", "m" }) {
			source.put(key, flag(key, 1));
		}
		KeyedItems<ItemDescriptor> items = new KeyedItems<>(source);
		source.put("b", flag("b", 1));
		assertThat(items.items().keySet()).containsExactly("z", "a", "m");
		org.assertj.core.api.Assertions.assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> items.items().put("q", flag("q", 1)));
	}

	@Test
	void keyedItemsShouldRefuseNullKeysAndValues() {
		Map<String, ItemDescriptor> withNullValue = new HashMap<>();
		withNullValue.put("a", null);
		assertThatNullPointerException().isThrownBy(() -> new KeyedItems<>(withNullValue)).withMessageContaining("a");
		Map<String, ItemDescriptor> withNullKey = new HashMap<>();
		withNullKey.put(null, flag("a", 1));
		assertThatNullPointerException().isThrownBy(() -> new KeyedItems<>(withNullKey));
	}

	@Test
	void fullDataSetShouldKeepKindOrder() {
		Map<DataKind, KeyedItems<ItemDescriptor>> data = new LinkedHashMap<>();
		data.put(TestData.SEGMENTS, KeyedItems.empty());
		data.put(FEATURES, KeyedItems.empty());
		assertThat(new FullDataSet<>(data).data().keySet()).containsExactly(TestData.SEGMENTS, FEATURES);
	}

	@Test
	void dataKindsShouldBeEqualByName() {
		assertThat(DataKind.json("features", Map.class)).isEqualTo(FEATURES).hasSameHashCodeAs(FEATURES);
		assertThat(FEATURES).isNotEqualTo(TestData.SEGMENTS);
		assertThatIllegalArgumentException().isThrownBy(() -> DataKind.json(" ", Map.class));
	}

	@Test
	void statusShouldCompareAllFieldsButPublishOnlyOnStateChange() {
		Instant now = Instant.parse("2026-01-01T00:00:00Z");
		DataStoreStatus down = new DataStoreStatus(false, false, now, "boom");
		DataStoreStatus downLater = new DataStoreStatus(false, false, now.plusSeconds(1), "other");
		assertThat(down).isNotEqualTo(downLater);
		assertThat(down.isSameStateAs(downLater)).isTrue();
		assertThat(down).isEqualTo(new DataStoreStatus(false, false, now, "boom"))
			.hasSameHashCodeAs(new DataStoreStatus(false, false, now, "boom"));
		assertThat(down.isSameStateAs(new DataStoreStatus(true, false, now, "boom"))).isFalse();
		assertThat(new DataStoreStatus(true, true, now, null).isSameStateAs(DataStoreStatus.available(now)))
			.isFalse();
	}

	@Test
	void unavailableStatusCannotNeedRefresh() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new DataStoreStatus(false, true, Instant.now(), null));
		assertThatNullPointerException().isThrownBy(() -> new DataStoreStatus(true, false, null, null));
	}

}
