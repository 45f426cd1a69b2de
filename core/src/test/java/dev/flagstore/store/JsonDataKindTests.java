package dev.flagstore.store;

import java.util.Map;

import dev.flagstore.store.TestData.Flag;
import org.junit.jupiter.api.Test;

import static dev.flagstore.store.TestData.FEATURES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class JsonDataKindTests {

	@Test
	void shouldRoundTripAnItem() {
		ItemDescriptor item = new ItemDescriptor(7, new Flag("a", 7, true));
		String json = FEATURES.serialize(item);
		assertThat(json).contains("\"version\":7").contains("\"key\":\"a\"");
		assertThat(FEATURES.deserialize(json)).isEqualTo(item);
	}

	@Test
	void shouldWriteTheDescriptorVersionIntoTheDocument() {
		String json = FEATURES.serialize(new ItemDescriptor(9, new Flag("a", 1, true)));
		assertThat(FEATURES.deserialize(json).version()).isEqualTo(9);
	}

	@Test
	void shouldSerializeATombstoneAsPlaceholder() {
		assertThat(FEATURES.serialize(ItemDescriptor.deleted(3))).isEqualTo("{\"version\":3,\"deleted\":true}");
		assertThat(FEATURES.deserialize("{\"version\":3,\"deleted\":true}")).isEqualTo(ItemDescriptor.deleted(3));
	}

	@Test
	void shouldReadMapsToo() {
		DataKind kind = DataKind.json("raw", Map.class);
		ItemDescriptor item = kind.deserialize("{\"version\":2,\"on\":false,\"deleted\":false}");
		assertThat(item.version()).isEqualTo(2);
		assertThat(item.item()).isInstanceOf(Map.class);
	}

	@Test
	void shouldRefuseMalformedJson() {
		assertThatIllegalArgumentException().isThrownBy(() -> FEATURES.deserialize("{\"version\":1,"))
			.withMessageContaining("malformed JSON");
		assertThatIllegalArgumentException().isThrownBy(() -> FEATURES.deserialize("[1]"))
			.withMessageContaining("object");
	}

	@Test
	void shouldRefuseMissingOrBadVersion() {
		assertThatIllegalArgumentException().isThrownBy(() -> FEATURES.deserialize("{\"key\":\"a\"}"))
			.withMessageContaining("version");
		assertThatIllegalArgumentException().isThrownBy(() -> FEATURES.deserialize("{\"version\":-4}"))
			.withMessageContaining("-4");
		assertThatIllegalArgumentException().isThrownBy(() -> FEATURES.deserialize("{\"version\":\"x\"}"));
		assertThatIllegalArgumentException().isThrownBy(() -> FEATURES.deserialize("{\"version\":1.5}"));
	}

	@Test
	void shouldRefuseItemsThatAreNotObjects() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> FEATURES.serialize(new ItemDescriptor(1, "just a string")))
			.withMessageContaining("object");
	}

	@Test
	void customCodecShouldBeUsed() {
		DataKind kind = DataKind.of("plain", item -> item.version() + ":" + (item.isDeleted() ? "-" : item.item()),
				text -> {
					String[] parts = text.split(":", 2);
					int version = Integer.parseInt(parts[0]);
					return "-".equals(parts[1]) ? ItemDescriptor.deleted(version) : new ItemDescriptor(version, parts[1]);
				});
		assertThat(kind.serialize(new ItemDescriptor(2, "on"))).isEqualTo("2:on");
		assertThat(kind.deserialize("5:-")).isEqualTo(ItemDescriptor.deleted(5));
	}

}
