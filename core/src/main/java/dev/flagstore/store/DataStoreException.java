package dev.flagstore.store;

/**
 * A store operation failed, timed out or was refused because the store is unavailable. When this is thrown by a
 * {@link PersistentDataStoreWrapper}, the store's status already reads unavailable.
 */
public class DataStoreException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message what failed
	 * @param cause the store's exception, if any
	 */
	public DataStoreException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Creates the exception.
	 * @param message what failed
	 */
	public DataStoreException(String message) {
		super(message);
	}

}
