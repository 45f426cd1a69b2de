package dev.flagstore.store;

import org.jspecify.annotations.Nullable;

/**
 * An item in the store cannot be read: malformed JSON, a missing version, or a store answer that breaks the
 * {@link PersistentDataStore} contract. It concerns that item only: the store's status is not changed.
 */
public class MalformedItemException extends DataStoreException {

	private static final long serialVersionUID = 1L;

	private final String kind;

	private final String key;

	/**
	 * Creates the exception.
	 * @param kind the item's kind name
	 * @param key the item's key
	 * @param problem what is wrong with it
	 * @param cause the codec's exception, if any
	 */
	public MalformedItemException(String kind, String key, String problem, @Nullable Throwable cause) {
		super("Malformed item '" + key + "' of kind '" + kind + "': " + problem, cause);
		this.kind = kind;
		this.key = key;
	}

	/**
	 * The kind of the malformed item.
	 * @return the kind name
	 */
	public String getKind() {
		return this.kind;
	}

	/**
	 * The key of the malformed item.
	 * @return the key
	 */
	public String getKey() {
		return this.key;
	}

}
