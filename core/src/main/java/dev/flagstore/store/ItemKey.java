package dev.flagstore.store;

/**
 * Cache key of one item. A final class rather than a record: a precomputed hash and an {@code equals} that the JIT
 * inlines on the read path (see docs/performance.md). Cache hits look keys up with the reading thread's
 * {@link Lookup} instead of a new {@code ItemKey}, so that a hit allocates nothing.
 */
final class ItemKey {

	private final DataKind kind;

	private final String key;

	private final int hash;

	ItemKey(DataKind kind, String key) {
		this.kind = kind;
		this.key = key;
		this.hash = hash(kind, key);
	}

	private static int hash(DataKind kind, String key) {
		return 31 * kind.hashCode() + key.hashCode();
	}

	DataKind kind() {
		return this.kind;
	}

	String key() {
		return this.key;
	}

	@Override
	public boolean equals(Object obj) {
		if (obj instanceof ItemKey other) {
			return this == other
					|| (this.hash == other.hash && this.key.equals(other.key) && this.kind.equals(other.kind));
		}
		return obj instanceof Lookup lookup && lookup.equals(this);
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

	@Override
	public String toString() {
		return this.kind.getName() + ":" + this.key;
	}

	/**
	 * A key to look an {@link ItemKey} up with, equal to the {@code ItemKey} of the same kind and key and with the
	 * same hash: one per thread, reused by every read of that thread, so that a cache hit allocates no key (escape
	 * analysis cannot remove the allocation: the key goes too deep into Caffeine's and the map's code). Only for
	 * lookups ({@code get}, never {@code put}, {@code compute} or a loading call): the map must not keep it, since it
	 * changes with the thread's next read. Not thread-safe, and it needs none: only its own thread uses it.
	 */
	static final class Lookup {

		private static final ThreadLocal<Lookup> PER_THREAD = ThreadLocal.withInitial(Lookup::new);

		/** What a lookup key holds before its first use: equal to no item's key. */
		private static final DataKind UNUSED = DataKind.of("(unused lookup key)", item -> "", text -> ItemDescriptor.deleted(0));

		private DataKind kind;

		private String key;

		private int hash;

		private Lookup() {
			this.kind = UNUSED;
			this.key = "";
		}

		/** The calling thread's lookup key, set to {@code kind} and {@code key}; valid until its next call. */
		static Lookup of(DataKind kind, String key) {
			Lookup lookup = PER_THREAD.get();
			lookup.kind = kind;
			lookup.key = key;
			lookup.hash = hash(kind, key);
			return lookup;
		}

		@Override
		public boolean equals(Object obj) {
			return obj instanceof ItemKey other && this.hash == other.hash && this.key.equals(other.key)
					&& this.kind.equals(other.kind);
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

}
