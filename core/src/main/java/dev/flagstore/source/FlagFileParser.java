package dev.flagstore.source;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns the contents of flag files ({@code {"<kind>": {"<key>": <item>, ...}, ...}}, JSON or YAML) into one full
 * data set, later files overriding earlier ones item by item, and gives version-less items their version.
 *
 * <p><b>Versions.</b> An item with a {@code version} keeps it. An item without one gets the time its file was last
 * modified, in seconds since 2020-01-01T00:00:00Z (so after an edit its items are newer than those of any earlier
 * content of the file, across restarts and on every instance that reads the file); within a run, an item whose
 * content did not change keeps the version it had, and one whose content changed gets at least its previous
 * version plus one (two edits within one second). Items of a classpath resource, which has no modification time,
 * start at version 1.
 *
 * <p>Not thread-safe: used by the source's one loading thread.
 */
final class FlagFileParser {

	/** Version-less items are versioned in seconds since this instant. */
	static final Instant VERSION_EPOCH = Instant.parse("2020-01-01T00:00:00Z");

	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	/** The contents of one input as read. */
	record Content(String name, boolean yaml, byte @Nullable [] bytes, @Nullable Instant modified,
			@Nullable String readError) {
	}

	/** A parse that succeeded: the data set, and the versions to remember once it has been sent. */
	record Parsed(FullDataSet<ItemDescriptor> data, Map<ItemKey, Versioned> versions, int itemCount) {
	}

	record ItemKey(String kind, String key) {
	}

	/** What a version-less item looked like (without its version) when it got {@code version}. */
	record Versioned(JsonNode content, int version, boolean explicit) {
	}

	private final Map<String, DataKind> kinds;

	private final @Nullable String keyProperty;

	/** The versions of the last data set sent. */
	private Map<ItemKey, Versioned> versions = new HashMap<>();

	FlagFileParser(Collection<DataKind> kinds, @Nullable String keyProperty) {
		this.kinds = new LinkedHashMap<>();
		kinds.forEach((kind) -> this.kinds.put(kind.getName(), kind));
		this.keyProperty = keyProperty;
	}

	/** Remembers the versions of a parse that was sent to the store. */
	void accept(Parsed parsed) {
		this.versions = parsed.versions();
	}

	/**
	 * Parses and merges the inputs, in order.
	 * @throws FlagFileException naming the file, and the line and column where there is one, of the first problem
	 */
	Parsed parse(List<Content> inputs) throws FlagFileException {
		Map<DataKind, Map<String, ItemDescriptor>> merged = new LinkedHashMap<>();
		this.kinds.values().forEach((kind) -> merged.put(kind, new LinkedHashMap<>()));
		Map<ItemKey, Versioned> nextVersions = new HashMap<>();
		int count = 0;
		for (Content input : inputs) {
			JsonNode root = read(input);
			int baseVersion = baseVersion(input.modified());
			for (Map.Entry<String, JsonNode> kindEntry : root.properties()) {
				DataKind kind = this.kinds.get(kindEntry.getKey());
				if (kind == null) {
					throw new FlagFileException(input.name() + ": unknown kind '" + kindEntry.getKey()
							+ "' (the application's kinds: " + String.join(", ", this.kinds.keySet()) + ")");
				}
				JsonNode items = kindEntry.getValue();
				if (items.isNull()) {
					continue;
				}
				if (!items.isObject()) {
					throw new FlagFileException(input.name() + ": '" + kind.getName()
							+ "' must be an object of key to item, but is " + describe(items));
				}
				for (Map.Entry<String, JsonNode> itemEntry : items.properties()) {
					String key = itemEntry.getKey();
					ItemKey itemKey = new ItemKey(kind.getName(), key);
					Versioned versioned = version(input, itemKey, itemEntry.getValue(), baseVersion);
					ObjectNode document = ((ObjectNode) itemEntry.getValue()).deepCopy();
					if (this.keyProperty != null && !document.has(this.keyProperty)) {
						document.put(this.keyProperty, key);
					}
					document.put("version", versioned.version());
					ItemDescriptor descriptor;
					try {
						descriptor = kind.deserialize(JSON.writeValueAsString(document));
					}
					catch (RuntimeException ex) {
						throw new FlagFileException(input.name() + ": " + kind.getName() + "/" + key
								+ " is not a valid item: " + ex.getMessage(), ex);
					}
					Map<String, ItemDescriptor> kindItems = merged.get(kind);
					if (kindItems.put(key, descriptor) == null) {
						count++;
					}
					nextVersions.put(itemKey, versioned);
				}
			}
		}
		Map<DataKind, KeyedItems<ItemDescriptor>> data = new LinkedHashMap<>();
		merged.forEach((kind, items) -> data.put(kind, new KeyedItems<>(items)));
		return new Parsed(new FullDataSet<>(data), nextVersions, count);
	}

	private Versioned version(Content input, ItemKey itemKey, JsonNode item, int baseVersion)
			throws FlagFileException {
		String where = input.name() + ": " + itemKey.kind() + "/" + itemKey.key();
		if (!item.isObject()) {
			throw new FlagFileException(where + " must be an object, but is " + describe(item));
		}
		JsonNode version = item.get("version");
		if (version != null) {
			if (!version.isIntegralNumber() || !version.canConvertToInt() || version.intValue() < 0) {
				throw new FlagFileException(where + ": 'version' must be a non-negative integer, but is " + version);
			}
			return new Versioned(item, version.intValue(), true);
		}
		Versioned previous = this.versions.get(itemKey);
		if (previous != null && !previous.explicit() && previous.content().equals(item)) {
			return previous;
		}
		int next = (previous != null && previous.version() < Integer.MAX_VALUE)
				? Math.max(baseVersion, previous.version() + 1) : baseVersion;
		return new Versioned(item, next, false);
	}

	private static JsonNode read(Content input) throws FlagFileException {
		if (input.readError() != null) {
			throw new FlagFileException(input.readError());
		}
		byte[] bytes = input.bytes();
		if (bytes == null || bytes.length == 0 || new String(bytes, StandardCharsets.UTF_8).isBlank()) {
			throw new FlagFileException(input.name() + " is empty (half-written?); it must hold an object of kinds");
		}
		JsonNode root;
		try {
			root = input.yaml() ? YamlTrees.read(bytes) : JSON.readTree(bytes);
		}
		catch (JacksonException ex) {
			TokenStreamLocation location = ex.getLocation();
			String at = (location != null && location.getLineNr() > 0)
					? " at line " + location.getLineNr() + ", column " + location.getColumnNr() : "";
			throw new FlagFileException(input.name() + " is malformed" + at + ": " + ex.getOriginalMessage(), ex);
		}
		if (root == null || root.isMissingNode() || root.isNull()) {
			throw new FlagFileException(input.name() + " is empty (half-written?); it must hold an object of kinds");
		}
		if (!root.isObject()) {
			throw new FlagFileException(input.name() + " must hold an object of kinds ({\"<kind>\": {\"<key>\": "
					+ "<item>}}), but holds " + describe(root));
		}
		return root;
	}

	/** The version of a version-less item of a file modified at {@code modified}; 1 without a time. */
	static int baseVersion(@Nullable Instant modified) {
		if (modified == null) {
			return 1;
		}
		long seconds = modified.getEpochSecond() - VERSION_EPOCH.getEpochSecond();
		return (int) Math.max(1, Math.min(Integer.MAX_VALUE, seconds));
	}

	private static String describe(JsonNode node) {
		return switch (node.getNodeType()) {
			case ARRAY -> "an array";
			case STRING -> "a string";
			case NUMBER -> "a number";
			case BOOLEAN -> "a boolean";
			case NULL -> "null";
			default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
		};
	}

	/** The names of the kinds, for messages. */
	String kindNames() {
		return this.kinds.keySet().stream().collect(Collectors.joining(", "));
	}

	/** A problem with a flag file; the message names the file and says what is wrong. */
	static final class FlagFileException extends Exception {

		private static final long serialVersionUID = 1L;

		FlagFileException(String message) {
			super(message);
		}

		FlagFileException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
