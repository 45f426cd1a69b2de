package dev.flagstore.store;

/**
 * The store calls the wrapper makes, named as they appear in {@code lastError} and exception messages
 * ({@code get(features) failed <- ...}). An enum rather than strings, so that no text is built for a call that
 * succeeds.
 */
enum StoreOperation {

	INIT("init", false),

	GET("get", true),

	GET_ALL("getAll", true),

	UPSERT("upsert", false),

	IS_INITIALIZED("isInitialized", false),

	PROBE("isStoreAvailable", false),

	WRITE_BACK_CHECK("isInitialized (before write-back)", false),

	WRITE_BACK_READ("getAll (write-back of a replaced data set)", true),

	WRITE_BACK_UPSERT("upsert (write-back of cached data)", false),

	WRITE_BACK_INIT("init (write-back of cached data)", false),

	READ_BEFORE_INIT("getAll (the data an init replaces, for change events)", true),

	GET_CHANGED("get (an item another instance changed)", true);

	private final String label;

	private final boolean namesKind;

	StoreOperation(String label, boolean namesKind) {
		this.label = label;
		this.namesKind = namesKind;
	}

	String label() {
		return this.label;
	}

	/** Whether messages name the kind: {@code get(features) failed}, but {@code upsert failed}. */
	boolean namesKind() {
		return this.namesKind;
	}

}
