package dev.flagstore.store;

/**
 * A store call that did not reach the store on the caller's behalf: refused by the bulkhead, out of time while
 * waiting for a concurrent {@code init}, or given up by the caller's own interrupt. It changes no status, and a
 * {@link CacheMode#FOREVER} cache does not keep such a write for write-back: its caller got the exception and
 * decides.
 */
final class UnattemptedCallException extends DataStoreException {

	private static final long serialVersionUID = 1L;

	UnattemptedCallException(String message) {
		super(message);
	}

	UnattemptedCallException(String message, Throwable cause) {
		super(message, cause);
	}

}
