package dev.flagstore.store;

/**
 * Cache key of one item. A final class rather than a record: a precomputed hash and an {@code equals} that the JIT
 * inlines on the read path (see docs/performance.md).
 */
final class ItemKey {

	private final DataKind kind;

	private final String key;

	private final int hash;

	ItemKey(DataKind kind, String key) {
		this.kind = kind;
		this.key = key;
		this.hash = 31 * kind.hashCode() + key.hashCode();
	}

	DataKind kind() {
		return this.kind;
	}

	String key() {
		return this.key;
	}

	@Override
	public boolean equals(Object obj) {
		return this == obj || (obj instanceof ItemKey other && this.hash == other.hash && this.key.equals(other.key)
				&& this.kind.equals(other.kind));
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

	@Override
	public String toString() {
		return this.kind.getName() + ":" + this.key;
	}

}
