package dev.flagstore.test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.store.CacheMode;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStoreException;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.store.PersistentDataStoreWrapper;
import dev.flagstore.store.SerializedItemDescriptor;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Outage tests for a {@link PersistentDataStore} on a real server, as an abstract JUnit 5 suite: the whole stack
 * ({@link PersistentDataStoreWrapper}, the store, its client and the network) goes through a {@link TcpFaultProxy}
 * that cuts, refuses, blackholes and slows the connections, and the suite checks that the status goes unavailable,
 * reads are served from the cache, the status recovers with the right {@code refreshNeeded}, and with a
 * {@code FOREVER} cache the data written during the outage reaches the database.
 *
 * <p>Subclasses implement {@link #createStore(String, int)}, which must give the store client timeouts of about
 * {@link #clientTimeout()} (command, socket or network timeout), and {@link #createDirectStore()}. The wrapper's
 * own deadline is set well above the client timeout, so the blackhole test proves that the store's client turns a
 * hang into a failure by itself.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
public abstract class PersistentDataStoreOutageTests {

	/** The kind used by the suite. */
	protected static final DataKind FEATURES = DataKind.json("features", Map.class);

	private static final Duration AWAIT = Duration.ofSeconds(30);

	private @Nullable TcpFaultProxy proxy;

	private @Nullable PersistentDataStoreWrapper wrapper;

	private final List<DataStoreStatus> published = new CopyOnWriteArrayList<>();

	/**
	 * The host of the real server.
	 * @return the host the proxy forwards to
	 */
	protected abstract String serverHost();

	/**
	 * The port of the real server.
	 * @return the port the proxy forwards to
	 */
	protected abstract int serverPort();

	/**
	 * Creates a store that connects to {@code host:port} (the proxy) with client timeouts of about
	 * {@link #clientTimeout()}, on a test database that {@link #clearData()} empties. The suite closes the store
	 * (through the wrapper); resources such as pools or connection factories are the subclass's to release.
	 * @param host the proxy's host
	 * @param port the proxy's port
	 * @return the store
	 */
	protected abstract PersistentDataStore createStore(String host, int port);

	/**
	 * Creates a store that connects to the server directly, to check what the database holds. The suite closes it.
	 * @return the store
	 */
	protected abstract PersistentDataStore createDirectStore();

	/**
	 * Removes all data of the test database; runs before each test.
	 * @throws Exception if it cannot
	 */
	protected abstract void clearData() throws Exception;

	/**
	 * The client timeout the stores of {@link #createStore} use.
	 * @return the client timeout; default 1 s
	 */
	protected Duration clientTimeout() {
		return Duration.ofSeconds(1);
	}

	/**
	 * The wrapper's deadline of one store call: far above the client timeout, so the client must time out first.
	 * @return the operation timeout
	 */
	protected Duration operationTimeout() {
		return clientTimeout().multipliedBy(6);
	}

	@BeforeEach
	void startProxy() throws Exception {
		clearData();
		this.proxy = TcpFaultProxy.start(serverHost(), serverPort());
	}

	@AfterEach
	void stopProxyAndStore() {
		PersistentDataStoreWrapper current = this.wrapper;
		if (current != null) {
			current.close();
		}
		TcpFaultProxy currentProxy = this.proxy;
		if (currentProxy != null) {
			currentProxy.close();
		}
	}

	/**
	 * The proxy between the store and the server.
	 * @return the running proxy
	 */
	protected final TcpFaultProxy proxy() {
		TcpFaultProxy current = this.proxy;
		assertThat(current).as("proxy").isNotNull();
		return current;
	}

	/**
	 * Builds the wrapper around a store on the proxy, with a fast poll interval and no heartbeat unless given.
	 * @param cacheMode the cache mode (TTL uses a ten-minute TTL, so cached reads stay cached)
	 * @param heartbeat the heartbeat interval; {@link Duration#ZERO} disables it
	 * @return the wrapper; closed after the test
	 */
	protected final PersistentDataStoreWrapper wrapper(CacheMode cacheMode, Duration heartbeat) {
		PersistentDataStoreWrapper built = PersistentDataStoreWrapper
			.builder(createStore(proxy().getHost(), proxy().getPort()))
			.cacheMode(cacheMode)
			.cacheTtl(Duration.ofMinutes(10))
			.pollInterval(Duration.ofMillis(100))
			.heartbeatInterval(heartbeat)
			.operationTimeout(operationTimeout())
			.build();
		built.getStatusProvider().addStatusListener(this.published::add);
		this.wrapper = built;
		return built;
	}

	@Test
	void refusedConnectionsMakeStoreUnavailableAndCachedReadsGoOn() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.TTL, Duration.ZERO);
		store.init(data(Map.of("a", 1, "b", 1)));
		assertThat(store.get(FEATURES, "a")).isNotNull();
		proxy().refuseConnections();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.upsert(FEATURES, "a", item(2)));
		assertUnavailable(store);
		assertThat(store.get(FEATURES, "a")).as("a cached read during the outage").isEqualTo(item(1));
		assertThatExceptionOfType(DataStoreException.class).as("an uncached read during the outage")
			.isThrownBy(() -> store.get(FEATURES, "never-cached"));
		proxy().restore();
		awaitStatus(store, true, true);
		// Listeners are told asynchronously: wait for the delivery, not just the status.
		await().atMost(AWAIT)
			.untilAsserted(() -> assertThat(this.published)
				.extracting(DataStoreStatus::isAvailable, DataStoreStatus::isRefreshNeeded)
				.containsSubsequence(org.assertj.core.groups.Tuple.tuple(false, false),
						org.assertj.core.groups.Tuple.tuple(true, true)));
		assertThat(store.get(FEATURES, "b")).isEqualTo(item(1));
		store.init(data(Map.of("a", 3)));
		assertThat(store.getStatusProvider().getStatus().isRefreshNeeded()).as("cleared by init").isFalse();
	}

	@Test
	void cutConnectionsAreSurvivedByReconnecting() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.NONE, Duration.ZERO);
		store.init(data(Map.of("a", 1)));
		proxy().cutConnections();
		// The first call after the cut may fail (the client sees the reset) or succeed (it reconnected first).
		await().atMost(AWAIT).ignoreExceptions().until(() -> store.get(FEATURES, "a") != null);
		await().atMost(AWAIT).untilAsserted(() -> {
			DataStoreStatus status = store.getStatusProvider().getStatus();
			assertThat(status.isAvailable()).isTrue();
			// Only an outage that was seen (it left its error behind) makes a refresh necessary.
			assertThat(status.isRefreshNeeded()).as("%s", status).isEqualTo(status.getLastError() != null);
		});
		assertThat(store.upsert(FEATURES, "a", item(2))).isTrue();
	}

	@Test
	void blackholeLongerThanClientTimeoutIsAnOutageNotAHang() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.TTL, Duration.ZERO);
		store.init(data(Map.of("a", 1)));
		assertThat(store.get(FEATURES, "a")).isNotNull();
		proxy().blackhole();
		long start = System.nanoTime();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.get(FEATURES, "uncached"))
			.satisfies((ex) -> assertThat(ex.getMessage()).as("failed by the client, not the wrapper's deadline")
				.doesNotContain("timed out after"));
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		assertThat(elapsed).as("the client timeout ends the hang").isLessThan(operationTimeout());
		assertUnavailable(store);
		long cachedStart = System.nanoTime();
		assertThat(store.get(FEATURES, "a")).isEqualTo(item(1));
		assertThat(Duration.ofNanos(System.nanoTime() - cachedStart)).as("a cached read does not wait on the store")
			.isLessThan(clientTimeout());
		assertThat(store.getStatusProvider().getStatus().isAvailable()).as("still down while blackholed").isFalse();
		proxy().restore();
		awaitStatus(store, true, true);
		assertThat(store.upsert(FEATURES, "a", item(2))).isTrue();
	}

	@Test
	void latencyBelowClientTimeoutKeepsStoreAvailable() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.NONE, Duration.ZERO);
		store.init(data(Map.of("a", 1)));
		proxy().setLatency(clientTimeout().dividedBy(10));
		assertThat(store.upsert(FEATURES, "a", item(2))).isTrue();
		assertThat(store.get(FEATURES, "a")).isEqualTo(item(2));
		assertThat(store.getStatusProvider().getStatus().isAvailable()).isTrue();
		assertThat(this.published).isEmpty();
	}

	@Test
	void latencyAboveClientTimeoutIsAnOutageUntilRemoved() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.TTL, Duration.ZERO);
		store.init(data(Map.of("a", 1)));
		assertThat(store.get(FEATURES, "a")).isNotNull();
		proxy().setLatency(clientTimeout().multipliedBy(2));
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.upsert(FEATURES, "a", item(2)));
		assertUnavailable(store);
		assertThat(store.get(FEATURES, "a")).isEqualTo(item(1));
		proxy().setLatency(Duration.ZERO);
		awaitStatus(store, true, true);
	}

	@Test
	void foreverCacheWritesDataFromTheOutageBackToTheDatabase() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.FOREVER, Duration.ZERO);
		store.init(data(Map.of("a", 1, "b", 1)));
		proxy().refuseConnections();
		assertThatExceptionOfType(DataStoreException.class)
			.as("a failed write throws, although the cache keeps it")
			.isThrownBy(() -> store.upsert(FEATURES, "a", item(2)));
		assertUnavailable(store);
		assertThatExceptionOfType(DataStoreException.class)
			.isThrownBy(() -> store.upsert(FEATURES, "c", item(5)));
		assertThat(store.get(FEATURES, "a")).isEqualTo(item(2));
		proxy().restore();
		awaitStatus(store, true, false);
		try (PersistentDataStore direct = createDirectStore()) {
			assertThat(direct.isInitialized()).isTrue();
			assertThat(version(direct.get(FEATURES, "a"))).isEqualTo(2);
			assertThat(version(direct.get(FEATURES, "b"))).isEqualTo(1);
			assertThat(version(direct.get(FEATURES, "c"))).isEqualTo(5);
		}
	}

	@Test
	void heartbeatNoticesOutageAndRecoveryWithoutTraffic() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.TTL, Duration.ofMillis(200));
		store.init(data(Map.of("a", 1)));
		proxy().refuseConnections();
		await().atMost(AWAIT).until(() -> !store.getStatusProvider().getStatus().isAvailable());
		proxy().restore();
		awaitStatus(store, true, true);
	}

	@Test
	void heartbeatNoticesBlackholeWithoutTraffic() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.TTL, Duration.ofMillis(200));
		store.init(data(Map.of("a", 1)));
		proxy().blackhole();
		await().atMost(AWAIT).until(() -> !store.getStatusProvider().getStatus().isAvailable());
		proxy().restore();
		awaitStatus(store, true, true);
	}

	/**
	 * Waits until the status reads {@code available} and {@code refreshNeeded} as given.
	 * @param store the wrapper
	 * @param available the expected availability
	 * @param refreshNeeded the expected refresh flag
	 */
	protected static void awaitStatus(PersistentDataStoreWrapper store, boolean available, boolean refreshNeeded) {
		await().atMost(AWAIT).untilAsserted(() -> {
			DataStoreStatus status = store.getStatusProvider().getStatus();
			assertThat(status.isAvailable()).as("available (%s)", status).isEqualTo(available);
			assertThat(status.isRefreshNeeded()).as("refreshNeeded (%s)", status).isEqualTo(refreshNeeded);
		});
	}

	private static void assertUnavailable(PersistentDataStoreWrapper store) {
		DataStoreStatus status = store.getStatusProvider().getStatus();
		assertThat(status.isAvailable()).as("unavailable right after the failed call (%s)", status).isFalse();
		assertThat(status.getLastError()).isNotNull();
	}

	/**
	 * A live item of {@link #FEATURES} with a given version.
	 * @param version the version
	 * @return the item
	 */
	protected static ItemDescriptor item(int version) {
		return new ItemDescriptor(version, Map.of("value", "v" + version, "version", version));
	}

	/**
	 * A data set of {@link #FEATURES} items with the given versions.
	 * @param versions versions by key
	 * @return the data set
	 */
	protected static FullDataSet<ItemDescriptor> data(Map<String, Integer> versions) {
		Map<String, ItemDescriptor> items = new java.util.LinkedHashMap<>();
		versions.forEach((key, version) -> items.put(key, item(version)));
		return new FullDataSet<>(Map.of(FEATURES, new KeyedItems<>(items)));
	}

	private static int version(@Nullable SerializedItemDescriptor stored) {
		assertThat(stored).isNotNull();
		return (stored.version() != 0 || stored.deleted()) ? stored.version()
				: FEATURES.deserialize(stored.serializedItem()).version();
	}

}
