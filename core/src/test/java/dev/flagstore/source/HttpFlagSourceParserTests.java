package dev.flagstore.source;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import org.junit.jupiter.api.Test;

import static dev.flagstore.source.SourceTestData.FEATURES;
import static dev.flagstore.source.SourceTestData.SEGMENTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** How the HTTP source reads its body: the data-set shape, each item through its kind, and what is refused. */
class HttpFlagSourceParserTests {

	private final DataSetParser parser = new DataSetParser(List.of(FEATURES, SEGMENTS));

	@Test
	void itemsShouldBeReadThroughTheirKindInDocumentOrder() throws Exception {
		FullDataSet<ItemDescriptor> data = parse("""
				{"features": {"b": {"key": "b", "version": 3, "on": true},
				              "a": {"key": "a", "version": 1, "on": false}},
				 "segments": {"s": {"key": "s", "version": 2, "on": true}}}""");
		assertThat(data.data().keySet()).containsExactly(FEATURES, SEGMENTS);
		assertThat(data.data().get(FEATURES).items().keySet()).containsExactly("b", "a");
		assertThat(data.data().get(FEATURES).items().get("b"))
			.isEqualTo(new ItemDescriptor(3, new SourceTestData.Flag("b", 3, true)));
		assertThat(data.data().get(SEGMENTS).items().get("s").version()).isEqualTo(2);
	}

	@Test
	void aKindTheDocumentDoesNotNameShouldBeEmpty() throws Exception {
		FullDataSet<ItemDescriptor> data = parse("{\"features\": {}}");
		assertThat(data.data().keySet()).containsExactly(FEATURES, SEGMENTS);
		assertThat(data.data().get(SEGMENTS).items()).isEmpty();
	}

	@Test
	void aTombstoneShouldBeKept() throws Exception {
		FullDataSet<ItemDescriptor> data = parse("{\"features\": {\"gone\": {\"version\": 9, \"deleted\": true}}}");
		assertThat(data.data().get(FEATURES).items().get("gone")).isEqualTo(ItemDescriptor.deleted(9));
	}

	@Test
	void anItemWithoutVersionShouldBeRefusedNamingKindAndKey() {
		assertThatExceptionOfType(DataSetParser.InvalidDataException.class)
			.isThrownBy(() -> parse("{\"features\": {\"f1\": {\"key\": \"f1\", \"on\": true}}}"))
			.withMessageContaining("kind 'features', key 'f1'")
			.withMessageContaining("version");
	}

	@Test
	void anUnknownKindShouldBeRefusedNamingIt() {
		assertThatExceptionOfType(DataSetParser.InvalidDataException.class)
			.isThrownBy(() -> parse("{\"features\": {}, \"experiments\": {}}"))
			.withMessageContaining("unknown kind 'experiments'")
			.withMessageContaining("features, segments");
	}

	@Test
	void malformedJsonShouldSayWhere() {
		assertThatExceptionOfType(DataSetParser.InvalidDataException.class)
			.isThrownBy(() -> parse("{\"features\": {\n  \"f1\": {\"version\": 1,,}}}"))
			.withMessageContaining("malformed JSON at line 2");
	}

	@Test
	void aTruncatedDocumentShouldBeRefused() {
		assertThatExceptionOfType(DataSetParser.InvalidDataException.class)
			.isThrownBy(() -> parse("{\"features\": {\"f1\": {\"key\": \"f1\", \"vers"))
			.withMessageContaining("malformed JSON");
	}

	@Test
	void trailingContentShouldBeRefused() {
		assertThatExceptionOfType(DataSetParser.InvalidDataException.class)
			.isThrownBy(() -> parse("{\"features\": {}} {\"segments\": {}}"))
			.withMessageContaining("malformed JSON");
	}

	@Test
	void aDuplicateKeyShouldBeRefused() {
		assertThatExceptionOfType(DataSetParser.InvalidDataException.class)
			.isThrownBy(() -> parse("{\"features\": {\"f1\": {\"key\": \"f1\", \"version\": 1, \"on\": true},"
					+ " \"f1\": {\"key\": \"f1\", \"version\": 2, \"on\": true}}}"))
			.withMessageContaining("f1");
	}

	@Test
	void theWrongShapeShouldBeRefusedSayingWhat() {
		assertThatExceptionOfType(DataSetParser.InvalidDataException.class).isThrownBy(() -> parse("[1, 2]"))
			.withMessageContaining("JSON object of kinds, got array");
		assertThatExceptionOfType(DataSetParser.InvalidDataException.class)
			.isThrownBy(() -> parse("{\"features\": [1]}"))
			.withMessageContaining("kind 'features' must be a JSON object of items, got array");
		assertThatExceptionOfType(DataSetParser.InvalidDataException.class)
			.isThrownBy(() -> parse("{\"features\": {\"f1\": \"on\"}}"))
			.withMessageContaining("kind 'features', key 'f1'");
		assertThatExceptionOfType(DataSetParser.InvalidDataException.class).isThrownBy(() -> parse(""))
			.withMessageContaining("empty");
		assertThatExceptionOfType(DataSetParser.InvalidDataException.class).isThrownBy(() -> parse("   "))
			.withMessageContaining("no JSON value");
	}

	@Test
	void anItemThatDoesNotFitItsTypeShouldBeRefusedWithTheCodecsMessage() {
		assertThatExceptionOfType(DataSetParser.InvalidDataException.class)
			.isThrownBy(() -> parse("{\"features\": {\"f1\": {\"key\": \"f1\", \"version\": 1, \"on\": \"maybe\"}}}"))
			.withMessageContaining("kind 'features', key 'f1'")
			.withMessageContaining("Flag");
	}

	@Test
	void aCustomCodecShouldDecideWhatAnItemIs() throws Exception {
		DataKind plain = DataKind.of("plain", descriptor -> String.valueOf(descriptor.item()),
				text -> new ItemDescriptor(text.length(), text));
		FullDataSet<ItemDescriptor> data = new DataSetParser(List.of(plain))
			.parse("{\"plain\": {\"k\": \"abc\"}}".getBytes(StandardCharsets.UTF_8));
		assertThat(data.data().get(plain).items().get("k")).isEqualTo(new ItemDescriptor(5, "\"abc\""));
	}

	@Test
	void twoKindsOfOneNameShouldBeRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new DataSetParser(List.of(FEATURES, DataKind.json("features", Object.class))))
			.withMessageContaining("'features' twice");
	}

	private FullDataSet<ItemDescriptor> parse(String body) throws DataSetParser.InvalidDataException {
		return this.parser.parse(body.getBytes(StandardCharsets.UTF_8));
	}

}
