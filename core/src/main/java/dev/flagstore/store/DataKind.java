package dev.flagstore.store;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.json.JsonMapper;

/**
 * A named kind of versioned item (for example {@code features} or {@code segments}) with its codec between an
 * {@link ItemDescriptor} and the string a {@link PersistentDataStore} keeps.
 *
 * <p>Two kinds are equal when their names are. The codec must handle tombstones both ways: it serializes a
 * deleted descriptor to a placeholder that records the version, and deserializes that placeholder back to
 * {@link ItemDescriptor#deleted(int)}. Instances are immutable and thread-safe.
 *
 * <p>A kind may also say which items an item refers to ({@link #withDependencies}), so that a change of a segment
 * is reported as a change of every flag that uses it ({@code docs/changes.md}). That function is not part of the
 * kind's identity: {@link #withDependencies} returns a new instance that is {@link #equals equal} to the original
 * (same name), so maps keyed by kind treat both as one; the graph of dependencies is built from the instance that
 * comes with each write, so use the one with dependencies everywhere.
 */
public final class DataKind {

	private final String name;

	private final Function<ItemDescriptor, String> serializer;

	private final Function<String, ItemDescriptor> deserializer;

	/** What a live item refers to; {@code null} for a kind whose items refer to nothing. */
	private final @Nullable Function<ItemDescriptor, ? extends @Nullable Collection<ItemRef>> dependencies;

	private DataKind(String name, Function<ItemDescriptor, String> serializer,
			Function<String, ItemDescriptor> deserializer,
			@Nullable Function<ItemDescriptor, ? extends @Nullable Collection<ItemRef>> dependencies) {
		Objects.requireNonNull(name, "name");
		if (name.isBlank()) {
			throw new IllegalArgumentException("name must not be blank");
		}
		this.name = name;
		this.serializer = Objects.requireNonNull(serializer, "serializer");
		this.deserializer = Objects.requireNonNull(deserializer, "deserializer");
		this.dependencies = dependencies;
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
		return new DataKind(name, serializer, deserializer, null);
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
		return new DataKind(name, codec::serialize, codec::deserialize, null);
	}

	/**
	 * This kind, with a function that names the items a live item of it refers to (a flag's segments and
	 * prerequisite flags): a change of one of those is then also reported as a change of this item, transitively.
	 * The function is called on the writing thread after each applied write of a live item (never for a tombstone,
	 * which refers to nothing), so it should be quick and free of I/O; if it throws, the item is taken to refer to
	 * nothing and the failure is logged. It replaces a function this kind already had.
	 * @param dependencies what an item refers to; it may answer {@code null} or an empty collection for nothing
	 * @return a new kind with the same name and codec, {@link #equals equal} to this one
	 */
	public DataKind withDependencies(Function<ItemDescriptor, ? extends @Nullable Collection<ItemRef>> dependencies) {
		return new DataKind(this.name, this.serializer, this.deserializer,
				Objects.requireNonNull(dependencies, "dependencies"));
	}

	/**
	 * Whether this instance carries a dependency function ({@link #withDependencies}).
	 * @return whether it does
	 */
	public boolean hasDependencies() {
		return this.dependencies != null;
	}

	/**
	 * The items {@code item} refers to, by this instance's dependency function.
	 * @param item the item; a tombstone refers to nothing
	 * @return the references, never {@code null}; empty for a tombstone or a kind without dependencies
	 * @throws RuntimeException whatever the function throws
	 */
	public Collection<ItemRef> dependenciesOf(ItemDescriptor item) {
		Objects.requireNonNull(item, "item");
		Function<ItemDescriptor, ? extends @Nullable Collection<ItemRef>> function = this.dependencies;
		if (function == null || item.isDeleted()) {
			return List.of();
		}
		Collection<ItemRef> refs = function.apply(item);
		return (refs != null) ? refs : List.of();
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
