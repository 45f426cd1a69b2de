package dev.flagstore.source;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.flagstore.source.FlagFileParser.Content;
import dev.flagstore.source.FlagFileParser.FlagFileException;
import dev.flagstore.source.FlagFileParser.Parsed;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.ItemDescriptor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The file format and the version rule, on contents and modification times the test makes (no files, no clock).
 */
class FlagFileParserTests {

	private static final DataKind FEATURES = DataKind.json("features", Map.class);

	private static final DataKind SEGMENTS = DataKind.json("segments", Map.class);

	private static final Instant T1 = Instant.parse("2030-01-01T00:00:00Z");

	private static final Instant T2 = Instant.parse("2030-01-01T00:01:00Z");

	private final FlagFileParser parser = new FlagFileParser(List.of(FEATURES, SEGMENTS), "key");

	private static Content json(String name, String text, Instant modified) {
		return new Content(name, false, text.getBytes(StandardCharsets.UTF_8), modified, null);
	}

	private Parsed parseAndAccept(Content... contents) throws FlagFileException {
		Parsed parsed = this.parser.parse(List.of(contents));
		this.parser.accept(parsed);
		return parsed;
	}

	private static ItemDescriptor item(Parsed parsed, DataKind kind, String key) {
		return parsed.data().data().get(kind).items().get(key);
	}

	@Test
	void shouldReadKindsAndItemsWithTheirKeys() throws FlagFileException {
		Parsed parsed = parseAndAccept(json("flags.json",
				"{\"features\": {\"a\": {\"on\": true, \"version\": 7}, \"b\": {\"on\": false}}}", T1));
		assertThat(item(parsed, FEATURES, "a").version()).isEqualTo(7);
		assertThat(asMap(item(parsed, FEATURES, "a").item())).containsEntry("key", "a").containsEntry("on", true);
		// Every kind is in the data set, so an init empties the kinds the files no longer hold.
		assertThat(parsed.data().data()).containsOnlyKeys(FEATURES, SEGMENTS);
		assertThat(parsed.data().data().get(SEGMENTS).items()).isEmpty();
		assertThat(parsed.itemCount()).isEqualTo(2);
	}

	@Test
	void shouldVersionAVersionLessItemByItsFilesModificationTime() throws FlagFileException {
		Parsed parsed = parseAndAccept(json("flags.json", "{\"features\": {\"b\": {\"on\": false}}}", T1));
		int expected = (int) (T1.getEpochSecond() - FlagFileParser.VERSION_EPOCH.getEpochSecond());
		assertThat(item(parsed, FEATURES, "b").version()).isEqualTo(expected);
		// The same file read by a new instance (or after a restart) gives the same version.
		FlagFileParser fresh = new FlagFileParser(List.of(FEATURES), "key");
		assertThat(fresh.parse(List.of(json("flags.json", "{\"features\": {\"b\": {\"on\": false}}}", T1)))
			.data()
			.data()
			.get(FEATURES)
			.items()
			.get("b")
			.version()).isEqualTo(expected);
	}

	@Test
	void anEditShouldMakeChangedItemsNewerAndKeepUnchangedOnes() throws FlagFileException {
		Parsed first = parseAndAccept(json("flags.json",
				"{\"features\": {\"a\": {\"on\": true}, \"b\": {\"on\": false}, \"c\": {\"on\": true, \"version\": 3}}}",
				T1));
		Parsed second = parseAndAccept(json("flags.json",
				"{\"features\": {\"a\": {\"on\": true}, \"b\": {\"on\": true}, \"c\": {\"on\": false, \"version\": 3}}}",
				T2));
		assertThat(item(second, FEATURES, "a").version()).isEqualTo(item(first, FEATURES, "a").version());
		assertThat(item(second, FEATURES, "b").version()).isGreaterThan(item(first, FEATURES, "b").version())
			.isEqualTo(FlagFileParser.baseVersion(T2));
		// An explicit version is kept, whatever changed.
		assertThat(item(second, FEATURES, "c").version()).isEqualTo(3);
	}

	@Test
	void twoEditsWithinOneSecondShouldStillIncreaseTheVersion() throws FlagFileException {
		Parsed first = parseAndAccept(json("f.json", "{\"features\": {\"b\": {\"on\": false}}}", T1));
		Parsed second = parseAndAccept(json("f.json", "{\"features\": {\"b\": {\"on\": true}}}", T1));
		Parsed third = parseAndAccept(json("f.json", "{\"features\": {\"b\": {\"on\": false}}}", T1));
		int v1 = item(first, FEATURES, "b").version();
		assertThat(item(second, FEATURES, "b").version()).isEqualTo(v1 + 1);
		assertThat(item(third, FEATURES, "b").version()).isEqualTo(v1 + 2);
	}

	@Test
	void aFailedParseShouldNotMoveTheVersions() throws FlagFileException {
		Parsed first = parseAndAccept(json("f.json", "{\"features\": {\"b\": {\"on\": false}}}", T1));
		// Parsed but never sent (not accepted): forgotten.
		this.parser.parse(List.of(json("f.json", "{\"features\": {\"b\": {\"on\": true}}}", T1)));
		Parsed again = parseAndAccept(json("f.json", "{\"features\": {\"b\": {\"on\": false}}}", T1));
		assertThat(item(again, FEATURES, "b").version()).isEqualTo(item(first, FEATURES, "b").version());
	}

	@Test
	void laterInputsShouldOverrideEarlierOnesItemByItem() throws FlagFileException {
		Parsed parsed = parseAndAccept(
				json("defaults.json", "{\"features\": {\"a\": {\"on\": false}, \"b\": {\"on\": false}}}", T1),
				json("overrides.yaml.json", "{\"features\": {\"b\": {\"on\": true}}, \"segments\": {\"s\": {}}}", T2));
		assertThat(asMap(item(parsed, FEATURES, "a").item())).containsEntry("on", false);
		assertThat(asMap(item(parsed, FEATURES, "b").item())).containsEntry("on", true);
		assertThat(item(parsed, FEATURES, "b").version()).isEqualTo(FlagFileParser.baseVersion(T2));
		assertThat(item(parsed, SEGMENTS, "s")).isNotNull();
		assertThat(parsed.itemCount()).isEqualTo(3);
	}

	@Test
	void shouldReadYaml() throws FlagFileException {
		Content yaml = new Content("flags.yaml", true,
				"features:\n  dark-mode:\n    on: true\n    description: Dark theme\n  old:\n    version: 4\n    deleted: true\n"
					.getBytes(StandardCharsets.UTF_8),
				T1, null);
		Parsed parsed = parseAndAccept(yaml);
		assertThat(asMap(item(parsed, FEATURES, "dark-mode").item())).containsEntry("on", true)
			.containsEntry("description", "Dark theme");
		assertThat(item(parsed, FEATURES, "old").isDeleted()).isTrue();
		assertThat(item(parsed, FEATURES, "old").version()).isEqualTo(4);
	}

	@Test
	void keyPropertyNullShouldLeaveItemsAsWritten() throws FlagFileException {
		FlagFileParser plain = new FlagFileParser(List.of(FEATURES), null);
		Parsed parsed = plain.parse(List.of(json("f.json", "{\"features\": {\"a\": {\"on\": true}}}", T1)));
		assertThat(asMap(item(parsed, FEATURES, "a").item())).doesNotContainKey("key");
	}

	@Test
	void malformedJsonShouldNameTheFileLineAndColumn() {
		assertThatExceptionOfType(FlagFileException.class)
			.isThrownBy(() -> this.parser.parse(List.of(json("/etc/flags.json", "{\"features\": {\n  \"a\": {\"on\": tru }\n}}", T1))))
			.withMessageStartingWith("/etc/flags.json is malformed at line 2, column ");
	}

	@Test
	void malformedYamlShouldNameTheFileAndLine() {
		Content yaml = new Content("flags.yaml", true, "features:\n  a: [unclosed\n".getBytes(StandardCharsets.UTF_8),
				T1, null);
		assertThatExceptionOfType(FlagFileException.class).isThrownBy(() -> this.parser.parse(List.of(yaml)))
			.withMessageStartingWith("flags.yaml is malformed at line ");
	}

	@Test
	void aHalfWrittenFileShouldBeReportedNotLoaded() {
		assertThatExceptionOfType(FlagFileException.class)
			.isThrownBy(() -> this.parser.parse(List.of(json("f.json", "{\"features\": {\"a\": {\"on\": tr", T1))))
			.withMessageContaining("f.json is malformed at line 1");
		assertThatExceptionOfType(FlagFileException.class)
			.isThrownBy(() -> this.parser.parse(List.of(json("f.json", "", T1))))
			.withMessage("f.json is empty (half-written?); it must hold an object of kinds");
	}

	@Test
	void shouldRejectAnUnknownKindByName() {
		assertThatExceptionOfType(FlagFileException.class)
			.isThrownBy(() -> this.parser.parse(List.of(json("f.json", "{\"flags\": {}}", T1))))
			.withMessage("f.json: unknown kind 'flags' (the application's kinds: features, segments)");
	}

	@Test
	void shouldRejectDuplicateKeys() {
		assertThatExceptionOfType(FlagFileException.class)
			.isThrownBy(() -> this.parser
				.parse(List.of(json("f.json", "{\"features\": {\"a\": {}, \"a\": {\"on\": true}}}", T1))))
			.withMessage("f.json is malformed at line 1, column 27: Duplicate Object property \"a\"");
	}

	@Test
	void shouldRejectMisshapenItemsWithTheirPlace() {
		assertThatExceptionOfType(FlagFileException.class)
			.isThrownBy(() -> this.parser.parse(List.of(json("f.json", "[1, 2]", T1))))
			.withMessageContaining("must hold an object of kinds")
			.withMessageEndingWith("but holds an array");
		assertThatExceptionOfType(FlagFileException.class)
			.isThrownBy(() -> this.parser.parse(List.of(json("f.json", "{\"features\": [\"a\"]}", T1))))
			.withMessage("f.json: 'features' must be an object of key to item, but is an array");
		assertThatExceptionOfType(FlagFileException.class)
			.isThrownBy(() -> this.parser.parse(List.of(json("f.json", "{\"features\": {\"a\": true}}", T1))))
			.withMessage("f.json: features/a must be an object, but is a boolean");
		assertThatExceptionOfType(FlagFileException.class)
			.isThrownBy(() -> this.parser.parse(List.of(json("f.json", "{\"features\": {\"a\": {\"version\": -1}}}", T1))))
			.withMessage("f.json: features/a: 'version' must be a non-negative integer, but is -1");
		assertThatExceptionOfType(FlagFileException.class)
			.isThrownBy(() -> this.parser.parse(List.of(json("f.json", "{\"features\": {\"a\": {\"version\": \"2\"}}}", T1))))
			.withMessageContaining("'version' must be a non-negative integer");
	}

	@Test
	void aReadErrorShouldBeTheMessage() {
		Content missing = new Content("f.json", false, null, null, "flags file f.json not found");
		assertThatExceptionOfType(FlagFileException.class).isThrownBy(() -> this.parser.parse(List.of(missing)))
			.withMessage("flags file f.json not found");
	}

	@Test
	void baseVersionShouldStayPositiveAndInRange() {
		assertThat(FlagFileParser.baseVersion(null)).isEqualTo(1);
		assertThat(FlagFileParser.baseVersion(Instant.EPOCH)).isEqualTo(1);
		assertThat(FlagFileParser.baseVersion(Instant.parse("2090-01-01T00:00:00Z"))).isEqualTo(Integer.MAX_VALUE);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> asMap(Object item) {
		return (Map<String, Object>) item;
	}

}
