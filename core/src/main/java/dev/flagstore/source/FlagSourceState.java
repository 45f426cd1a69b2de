package dev.flagstore.source;

/**
 * The state of a {@link FlagSource}, as in the LaunchDarkly SDKs' {@code DataSourceStatusProvider.State}.
 */
public enum FlagSourceState {

	/** Starting: no full data set has been written yet. Failures while starting keep this state. */
	INITIALIZING,

	/** Working: the source has written its data and receives updates. */
	VALID,

	/** Was valid, now failing (network, server, data or store errors); it keeps retrying. */
	INTERRUPTED,

	/** Stopped for good: closed, or a permanent error (for example an HTTP 401). Final. */
	OFF

}
