package dev.flagstore.store;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Jackson codec behind {@link DataKind#json}: items are JSON objects whose {@code version} field is the
 * descriptor's version; a tombstone is {@code {"version":N,"deleted":true}}.
 */
final class JsonItemCodec {

	static final JsonMapper DEFAULT_MAPPER = JsonMapper.builder().build();

	private final Class<?> itemType;

	private final JsonMapper mapper;

	JsonItemCodec(Class<?> itemType, JsonMapper mapper) {
		this.itemType = itemType;
		this.mapper = mapper;
	}

	String serialize(ItemDescriptor descriptor) {
		ObjectNode node;
		if (descriptor.isDeleted()) {
			node = this.mapper.createObjectNode();
			node.put("version", descriptor.version());
			node.put("deleted", true);
			return this.mapper.writeValueAsString(node);
		}
		JsonNode tree = this.mapper.valueToTree(descriptor.item());
		if (!(tree instanceof ObjectNode objectNode)) {
			throw new IllegalArgumentException("JSON item must serialize to an object, but "
					+ descriptor.item().getClass().getName() + " gave " + tree.getNodeType());
		}
		// The descriptor's version is authoritative: keep the document in step with it.
		objectNode.put("version", descriptor.version());
		return this.mapper.writeValueAsString(objectNode);
	}

	ItemDescriptor deserialize(String serializedItem) {
		JsonNode node;
		try {
			node = this.mapper.readTree(serializedItem);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("malformed JSON: " + ex.getOriginalMessage(), ex);
		}
		if (node == null || !node.isObject()) {
			throw new IllegalArgumentException("JSON item must be an object, got "
					+ (node == null ? "nothing" : node.getNodeType().toString()));
		}
		JsonNode version = node.get("version");
		if (version == null || !version.canConvertToInt() || !version.isIntegralNumber() || version.intValue() < 0) {
			throw new IllegalArgumentException("JSON item needs a non-negative integer 'version' field, got "
					+ (version == null ? "none" : version.toString()));
		}
		JsonNode deleted = node.get("deleted");
		if (deleted != null && deleted.isBoolean() && deleted.booleanValue()) {
			return ItemDescriptor.deleted(version.intValue());
		}
		try {
			return new ItemDescriptor(version.intValue(), this.mapper.treeToValue(node, this.itemType));
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(
					"JSON item does not fit " + this.itemType.getSimpleName() + ": " + ex.getOriginalMessage(), ex);
		}
	}

}
