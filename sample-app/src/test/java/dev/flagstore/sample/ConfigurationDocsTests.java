package dev.flagstore.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code docs/configuration.md} in step with the configuration metadata that the
 * {@code flagstore-spring-boot-autoconfigure} jar ships (generated from {@code FlagstoreProperties}, plus its
 * additional metadata): every {@code flagstore.*}, {@code management.health.flagstore.*} and
 * {@code management.health.flagsource.*} property has a table row with its key, its type and its default, and the
 * document has no row for a key the metadata lacks.
 *
 * <p>A table row is a Markdown line {@code | `key` | type | `default` | meaning |}; a property without a default
 * (a list, a map, a URL to set) has {@code –} in the default column.
 */
class ConfigurationDocsTests {

	/** Read from the sample-app module folder, where Maven runs the tests. */
	private static final Path DOC = Path.of("..", "docs", "configuration.md");

	private static final String[] METADATA_FILES = { "META-INF/spring-configuration-metadata.json",
			"META-INF/additional-spring-configuration-metadata.json" };

	/** A first cell that is exactly one property key in backticks. */
	private static final Pattern KEY_CELL = Pattern.compile("`([a-z0-9][a-z0-9.\\[\\]-]*)`");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Key → property metadata (name, type, defaultValue), for the flagstore properties only. */
	private static Map<String, JsonNode> metadata;

	/** Key → cells of its table row in the document. */
	private static Map<String, List<String>> rows;

	@BeforeAll
	static void read() throws IOException {
		metadata = readMetadata();
		assertThat(metadata).containsKeys("flagstore.source.type", "flagstore.source.file.paths",
				"management.health.flagsource.enabled");
		rows = readRows(Files.readAllLines(DOC, StandardCharsets.UTF_8));
	}

	@Test
	void metadataShouldComeFromTheAutoconfigureJar() {
		// Guards the test itself: without the jar's metadata the other checks would pass on nothing.
		assertThat(metadata).containsKeys("flagstore.store.type", "flagstore.cache.mode",
				"flagstore.status.poll-interval", "management.health.flagstore.enabled");
	}

	@Test
	void everyPropertyShouldHaveARowWithItsDefault() {
		List<String> problems = new ArrayList<>();
		metadata.forEach((key, property) -> {
			List<String> cells = rows.get(key);
			if (cells == null) {
				problems.add(key + ": no table row `" + key + "` in " + DOC);
				return;
			}
			String expectedDefault = property.has("defaultValue") ? "`" + defaultValue(property) + "`" : "–";
			if (!cells.get(2).equals(expectedDefault)) {
				problems.add(key + ": default column is " + cells.get(2) + ", the metadata says " + expectedDefault);
			}
			String type = simpleType(property.path("type").asString(""));
			if (!cells.get(1).contains(type)) {
				problems.add(key + ": type column is " + cells.get(1) + ", the metadata says " + type);
			}
			if (cells.get(3).isBlank()) {
				problems.add(key + ": the meaning column is empty");
			}
		});
		assertThat(problems).as("docs/configuration.md against the configuration metadata").isEmpty();
	}

	@Test
	void documentShouldListNoPropertyTheMetadataLacks() {
		Set<String> unknown = new TreeSet<>(rows.keySet());
		unknown.removeAll(metadata.keySet());
		assertThat(unknown).as("keys documented in " + DOC + " but not in the configuration metadata").isEmpty();
	}

	private static Map<String, JsonNode> readMetadata() throws IOException {
		Map<String, JsonNode> properties = new TreeMap<>();
		ClassLoader classLoader = ConfigurationDocsTests.class.getClassLoader();
		for (String file : METADATA_FILES) {
			Enumeration<URL> resources = classLoader.getResources(file);
			for (URL url : Collections.list(resources)) {
				try (InputStream in = url.openStream()) {
					for (JsonNode property : JSON.readTree(in).path("properties")) {
						String name = property.path("name").asString("");
						if (isFlagstoreKey(name)) {
							// The generated file already merges the additional metadata; either copy is the same.
							properties.putIfAbsent(name, property);
						}
					}
				}
			}
		}
		return properties;
	}

	private static Map<String, List<String>> readRows(List<String> lines) {
		Map<String, List<String>> rows = new LinkedHashMap<>();
		for (String line : lines) {
			String trimmed = line.trim();
			if (!trimmed.startsWith("|") || !trimmed.endsWith("|")) {
				continue;
			}
			List<String> cells = new ArrayList<>();
			for (String cell : trimmed.substring(1, trimmed.length() - 1).split("(?<!\\\\)\\|", -1)) {
				cells.add(cell.trim());
			}
			Matcher key = KEY_CELL.matcher(cells.get(0));
			if (key.matches() && isFlagstoreKey(key.group(1))) {
				assertThat(cells).as("row of " + key.group(1) + ": key, type, default, meaning").hasSize(4);
				assertThat(rows.put(key.group(1), cells)).as("second row for " + key.group(1)).isNull();
			}
		}
		return rows;
	}

	private static boolean isFlagstoreKey(String name) {
		return name.startsWith("flagstore.") || name.startsWith("management.health.flagstore.")
				|| name.startsWith("management.health.flagsource.");
	}

	private static String defaultValue(JsonNode property) {
		JsonNode value = property.get("defaultValue");
		assertThat(value).as("defaultValue of " + property.path("name").asString("")).isNotNull();
		return value.isString() ? value.stringValue() : value.toString();
	}

	/**
	 * {@code java.time.Duration} → {@code Duration}; {@code a.b.Outer$Inner} → {@code Inner};
	 * {@code java.util.List<java.lang.String>} → {@code List}.
	 */
	private static String simpleType(String type) {
		String raw = (type.indexOf('<') >= 0) ? type.substring(0, type.indexOf('<')) : type;
		String simple = raw.substring(raw.lastIndexOf('.') + 1);
		return simple.substring(simple.lastIndexOf('$') + 1);
	}

}
