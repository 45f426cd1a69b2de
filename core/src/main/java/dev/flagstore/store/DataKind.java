package dev.flagstore.store;

import java.util.Objects;
import java.util.function.Function;

import tools.jackson.databind.json.JsonMapper;

/**
 * A named kind of versioned item (for example {@code features} or {@code segments}) with its codec between an
 * {@link ItemDescriptor} and the string a {@link PersistentDataStore} keeps.
 *
 * <p>Two kinds are equal when their names are. The codec must handle tombstones both ways: it serializes a
 * deleted descriptor to a placeholder that records the version, and deserializes that placeholder back to
 * {@link ItemDescriptor#deleted(int)}. Instances are immutable and thread-safe.
 */
public final class DataKind {

	private final String name;

	private final Function<ItemDescriptor, String> serializer;

	private final Function<String, ItemDescriptor> deserializer;

	private DataKind(String name, Function<ItemDescriptor, String> serializer,
			Function<String, ItemDescriptor> deserializer) {
		Objects.requireNonNull(name, "name");
		if (name.isBlank()) {
			throw new IllegalArgumentException("name must not be blank");
		}
		this.name = name;
		this.serializer = Objects.requireNonNull(serializer, "serializer");
		this.deserializer = Objects.requireNonNull(deserializer, "deserializer");
	}

	/**
	 * A kind with a codec of your own.
	 * @param name the kind's name, unique in a store
	 * @param serializer turns a descriptor (tombstones included) into its stored string
	 * @param deserializer turns a stored string back into a descriptor; throws for malformed input
	 * @return the kind
	 */
	public static DataKind of(String name, Function<ItemDescriptor, String> serializer,
			Function<String, ItemDescriptor> deserializer) {
		return new DataKind(name, serializer, deserializer);
	}

	/**
	 * A kind whose items are JSON objects with a {@code version} field, read into {@code itemType} with a default
	 * Jackson {@link JsonMapper}. A tombstone is stored as {@code {"version":N,"deleted":true}}.
	 * @param name the kind's name, unique in a store
	 * @param itemType the class items are read into (a record, a POJO, a {@code Map} or a {@code JsonNode})
	 * @return the kind
	 */
	public static DataKind json(String name, Class<?> itemType) {
		return json(name, itemType, JsonItemCodec.DEFAULT_MAPPER);
	}

	/**
	 * Like {@link #json(String, Class)}, with a {@link JsonMapper} of your own.
	 * @param name the kind's name, unique in a store
	 * @param itemType the class items are read into
	 * @param mapper the mapper to use
	 * @return the kind
	 */
	public static DataKind json(String name, Class<?> itemType, JsonMapper mapper) {
		JsonItemCodec codec = new JsonItemCodec(itemType, mapper);
		return new DataKind(name, codec::serialize, codec::deserialize);
	}

	/**
	 * The kind's name.
	 * @return the name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * Serializes a descriptor (a tombstone to its placeholder).
	 * @param descriptor the descriptor
	 * @return the stored form
	 */
	public String serialize(ItemDescriptor descriptor) {
		Objects.requireNonNull(descriptor, "descriptor");
		return Objects.requireNonNull(this.serializer.apply(descriptor),
				() -> "serializer of kind '" + this.name + "' returned null");
	}

	/**
	 * Deserializes a stored string.
	 * @param serializedItem the stored form
	 * @return the descriptor (a tombstone for a placeholder)
	 * @throws IllegalArgumentException (or the codec's own exception) if the string is malformed
	 */
	public ItemDescriptor deserialize(String serializedItem) {
		Objects.requireNonNull(serializedItem, "serializedItem");
		return Objects.requireNonNull(this.deserializer.apply(serializedItem),
				() -> "deserializer of kind '" + this.name + "' returned null");
	}

	@Override
	public boolean equals(Object obj) {
		return this == obj || (obj instanceof DataKind other && this.name.equals(other.name));
	}

	@Override
	public int hashCode() {
		return this.name.hashCode();
	}

	@Override
	public String toString() {
		return "DataKind(" + this.name + ")";
	}

}
