package dev.flagstore.source;

import java.util.Map;

/**
 * What feeds the data store: a file, an HTTP service, a queue, a vendor SDK. flagstore starts it once the store
 * is ready and closes it before the store.
 *
 * <p>A source writes only through the {@link FlagSourceUpdateSink} it is given and reports its own health there
 * ({@link FlagSourceUpdateSink#updateStatus}). It never sees a store exception: a write the store rejects returns
 * {@code false} and is reported on the source's status as {@link FlagSourceErrorKind#STORE_ERROR}.
 */
public interface FlagSource extends AutoCloseable {

	/**
	 * Starts feeding the store. Returns promptly: the source works on its own threads, and reports
	 * {@link FlagSourceState#VALID} once it has written its first full data set. Called at most once.
	 * @param sink where the source writes and reports its status
	 */
	void start(FlagSourceUpdateSink sink);

	/**
	 * Asks the source to send its full data set again, soon, through {@link FlagSourceUpdateSink#init}: the
	 * store has recovered from an outage and may have missed writes ({@code refreshNeeded}). Must return
	 * promptly; the default does nothing (a source that re-sends everything on its own schedule may keep it).
	 */
	default void resync() {
	}

	/**
	 * Describes this source's configuration for operators (the Actuator endpoint {@code flagstore}, the
	 * {@code info} endpoint): what it reads and how often, never a secret (an {@code Authorization} header's value,
	 * a token in a URL). Must be cheap and do no I/O.
	 * @return names to values that are strings, numbers, booleans, or lists and maps of those; the default names
	 * the class
	 */
	default Map<String, Object> describeConfiguration() {
		return Map.of("type", getClass().getName());
	}

	/**
	 * Stops the source: its threads end and it writes nothing more. Idempotent.
	 */
	@Override
	void close();

}
