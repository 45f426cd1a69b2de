package dev.flagstore.source;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a full data set in the shape {@code {"<kind>": {"<key>": <item>, ...}, ...}}: each item is handed, as
 * its JSON text, to its {@link DataKind}'s codec, which decides what a valid item is (for
 * {@link DataKind#json} kinds: an object with a non-negative integer {@code version}). Every kind the parser
 * knows is in the result, in the parser's order, empty if the document does not name it. Thread-safe.
 */
final class DataSetParser {

	/** Longest part of a codec's or parser's message kept in an error. */
	private static final int MAX_DETAIL = 300;

	private static final JsonMapper MAPPER = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	private final Map<String, DataKind> kinds;

	DataSetParser(Collection<DataKind> kinds) {
		Map<String, DataKind> byName = new LinkedHashMap<>();
		for (DataKind kind : kinds) {
			Objects.requireNonNull(kind, "kind");
			if (byName.putIfAbsent(kind.getName(), kind) != null) {
				throw new IllegalArgumentException("kinds must have distinct names: '" + kind.getName() + "' twice");
			}
		}
		this.kinds = byName;
	}

	/**
	 * Parses a document.
	 * @param body the document, UTF-8 JSON
	 * @return the data set
	 * @throws InvalidDataException if the document is not JSON, has the wrong shape, names an unknown kind, or
	 * holds an item its kind rejects; the message says where
	 */
	FullDataSet<ItemDescriptor> parse(byte[] body) throws InvalidDataException {
		if (body.length == 0) {
			throw new InvalidDataException("the body is empty");
		}
		JsonNode root;
		try {
			root = MAPPER.readTree(body);
		}
		catch (JacksonException ex) {
			throw new InvalidDataException("malformed JSON" + where(ex.getLocation()) + ": "
					+ shorten(ex.getOriginalMessage()));
		}
		if (root == null || root.isMissingNode()) {
			throw new InvalidDataException("the body holds no JSON value");
		}
		if (!root.isObject()) {
			throw new InvalidDataException(
					"the document must be a JSON object of kinds, got " + root.getNodeType().toString().toLowerCase(Locale.ROOT));
		}
		for (String name : root.propertyNames()) {
			if (!this.kinds.containsKey(name)) {
				throw new InvalidDataException("unknown kind '" + name + "' (known: " + String.join(", ", this.kinds.keySet())
						+ ")");
			}
		}
		Map<DataKind, KeyedItems<ItemDescriptor>> data = new LinkedHashMap<>();
		for (Map.Entry<String, DataKind> entry : this.kinds.entrySet()) {
			JsonNode items = root.get(entry.getKey());
			data.put(entry.getValue(), (items == null) ? KeyedItems.empty() : items(entry.getValue(), items));
		}
		return new FullDataSet<>(data);
	}

	private static KeyedItems<ItemDescriptor> items(DataKind kind, JsonNode items) throws InvalidDataException {
		if (!items.isObject()) {
			throw new InvalidDataException("kind '" + kind.getName() + "' must be a JSON object of items, got "
					+ items.getNodeType().toString().toLowerCase(Locale.ROOT));
		}
		Map<String, ItemDescriptor> result = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> item : items.properties()) {
			ItemDescriptor descriptor;
			try {
				descriptor = kind.deserialize(MAPPER.writeValueAsString(item.getValue()));
			}
			catch (RuntimeException ex) {
				throw new InvalidDataException("kind '" + kind.getName() + "', key '" + item.getKey() + "': "
						+ shorten(ex.getMessage() != null ? ex.getMessage() : ex.getClass().getName()));
			}
			result.put(item.getKey(), descriptor);
		}
		return new KeyedItems<>(result);
	}

	private static String where(@Nullable TokenStreamLocation location) {
		if (location == null || location.getLineNr() < 0) {
			return "";
		}
		return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
	}

	private static String shorten(@Nullable String text) {
		if (text == null) {
			return "(no detail)";
		}
		return (text.length() <= MAX_DETAIL) ? text : text.substring(0, MAX_DETAIL) + "...";
	}

	/** A document that is not a valid full data set; the message says where and why. */
	static final class InvalidDataException extends Exception {

		private static final long serialVersionUID = 1L;

		InvalidDataException(String message) {
			super(message, null, false, false);
		}

	}

}
