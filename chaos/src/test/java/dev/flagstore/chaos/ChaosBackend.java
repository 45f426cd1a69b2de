package dev.flagstore.chaos;

import java.time.Duration;
import java.util.Map;

import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.store.SerializedItemDescriptor;
import dev.flagstore.test.TcpFaultProxy;
import org.jspecify.annotations.Nullable;

/**
 * A real store the scenarios run against: it opens application instances (a {@link PersistentDataStore} with its
 * client, reaching the server through a {@link TcpFaultProxy}), reads what the server really holds over a direct
 * connection, and counts the server-side connections of an instance.
 */
interface ChaosBackend extends AutoCloseable {

	/** One application instance's persistent store and the client resources to close after it. */
	record StoreInstance(String name, PersistentDataStore store, AutoCloseable resources) {
	}

	/** Short description for the report, such as {@code Redis 7 (own redis-server, via proxy)}. */
	String describe();

	/** Whether an acknowledged write survives an outage (a database), or may vanish (a killed in-memory Redis). */
	boolean durable();

	/**
	 * How long after the server is back the client may still be unable to reach it, having failed for
	 * {@code failingFor}: its own reconnect back-off, which the application waits out too. Added to the recovery
	 * bound of each outage. Zero for a client without one.
	 */
	default Duration reconnectBackoff(Duration failingFor) {
		return Duration.ZERO;
	}

	/**
	 * The wait under way of a client whose waits double from {@code firstStep} up to {@code cap}: each wait is the
	 * sum of the ones before it plus the first step, so after failing for {@code failingFor} it is at most that plus
	 * the first step, and at most the cap.
	 */
	static Duration doublingBackoff(Duration failingFor, Duration firstStep, Duration cap) {
		Duration wait = failingFor.plus(firstStep);
		return (wait.compareTo(cap) < 0) ? wait : cap;
	}

	/** For the report: what {@link #reconnectBackoff} stands for, or {@code null} if there is none. */
	default @Nullable String reconnectBackoffNote() {
		return null;
	}

	/** The proxy between every instance and the server. */
	TcpFaultProxy proxy();

	/**
	 * Opens an application instance whose client has {@code clientTimeout} as command, network and connect timeout.
	 */
	StoreInstance openInstance(String name, Duration clientTimeout);

	/**
	 * The Spring Boot auto-configuration of this store's client (Boot's own), which {@link BootInstance} imports
	 * with flagstore's.
	 */
	Class<?> bootAutoConfiguration();

	/**
	 * The only properties a {@link BootInstance} of this backend gets besides the scenario's own: where the server
	 * is (the proxy), the key prefix or table prefix of this backend, and {@code flagstore.store.type}. Nothing
	 * about timeouts, pools or retries, so the client runs with the defaults a Boot application gets.
	 */
	Map<String, String> bootProperties();

	/**
	 * For the report: the client settings of {@code instance} that decide how long a call to a hung server can
	 * last, read from its beans.
	 */
	String clientSettings(BootInstance instance);

	/**
	 * Writes {@code data} straight to the server over a direct connection (not through the proxy nor any
	 * instance), as {@code init} does, so that no instance's cache has seen it.
	 */
	void seed(FullDataSet<SerializedItemDescriptor> data) throws Exception;

	/** Deletes this backend's data (keys under its prefix, rows of its tables). */
	void clear() throws Exception;

	/** Item versions the server holds now, by key, read over a direct connection (tombstones included). */
	Map<String, Integer> readVersions(DataKind kind) throws Exception;

	/** Whether the server holds the init marker. */
	boolean isInitialized() throws Exception;

	/**
	 * Connections the server has open for instances of this backend, or {@code -1} if it cannot tell.
	 */
	int serverConnections() throws Exception;

	/** Closes the proxy, the backend's own connections and (for a throwaway server) the server. */
	@Override
	void close();

}
