package dev.flagstore.source;

/**
 * What kind of failure a {@link FlagSourceErrorInfo} describes.
 */
public enum FlagSourceErrorKind {

	/** An unexpected failure inside the source. */
	UNKNOWN,

	/** The source could not reach its server (connection refused or reset, timeout, DNS). */
	NETWORK_ERROR,

	/** The server answered with an error status; {@link FlagSourceErrorInfo#statusCode()} says which. */
	ERROR_RESPONSE,

	/** The data received or read was malformed; the last good data stays in the store. */
	INVALID_DATA,

	/** The data store rejected a write from the source; the source's state is unchanged. */
	STORE_ERROR

}
