package dev.flagstore.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.flagstore.status.DataStoreStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.flagstore.store.TestData.FEATURES;
import static dev.flagstore.store.TestData.SEGMENTS;
import static dev.flagstore.store.TestData.dataSet;
import static dev.flagstore.store.TestData.flag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.awaitility.Awaitility.await;

class PersistentDataStoreWrapperTests {

	private final TestPersistentStore core = new TestPersistentStore();

	private final List<PersistentDataStoreWrapper> wrappers = new ArrayList<>();

	@AfterEach
	void closeWrappers() {
		this.wrappers.forEach(PersistentDataStoreWrapper::close);
	}

	private PersistentDataStoreWrapper wrapper(CacheMode mode) {
		return wrapper(builder(mode));
	}

	private PersistentDataStoreWrapper.Builder builder(CacheMode mode) {
		return PersistentDataStoreWrapper.builder(this.core)
			.cacheMode(mode)
			.pollInterval(Duration.ofMillis(20))
			.heartbeatInterval(Duration.ZERO)
			.operationTimeout(Duration.ofMillis(500));
	}

	/** On fake time: the test moves {@link #ticker} and runs what falls due with {@link #scheduler}. */
	private PersistentDataStoreWrapper.Builder fakeTime(PersistentDataStoreWrapper.Builder builder) {
		return builder.ticker(this.ticker).scheduler(this.scheduler).executor(Runnable::run);
	}

	private final FakeTicker ticker = new FakeTicker();

	private final ManualScheduler scheduler = new ManualScheduler(this.ticker);

	private PersistentDataStoreWrapper wrapper(PersistentDataStoreWrapper.Builder builder) {
		PersistentDataStoreWrapper wrapper = builder.build();
		this.wrappers.add(wrapper);
		return wrapper;
	}

	private static RecordingListener listen(PersistentDataStoreWrapper store) {
		RecordingListener listener = new RecordingListener();
		store.getStatusProvider().addStatusListener(listener);
		return listener;
	}

	// --- data semantics, every mode ---

	@ParameterizedTest
	@EnumSource(CacheMode.class)
	void shouldReadWhatWasWritten(CacheMode mode) {
		PersistentDataStoreWrapper store = wrapper(mode);
		store.init(dataSet(flag("a", 1), flag("b", 2)));
		assertThat(store.isInitialized()).isTrue();
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 1));
		assertThat(store.get(FEATURES, "missing")).isNull();
		assertThat(store.upsert(FEATURES, "a", flag("a", 3))).isTrue();
		assertThat(store.upsert(FEATURES, "a", flag("a", 2))).isFalse();
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 3));
		assertThat(store.delete(FEATURES, "b", 5)).isTrue();
		assertThat(store.get(FEATURES, "b")).isEqualTo(ItemDescriptor.deleted(5));
		assertThat(store.getAll(FEATURES).items()).containsExactly(
				org.assertj.core.api.Assertions.entry("a", flag("a", 3)),
				org.assertj.core.api.Assertions.entry("b", ItemDescriptor.deleted(5)));
		assertThat(store.getAll(SEGMENTS).items()).isEmpty();
	}

	@Test
	void shouldSendTheSerializedFormWithVersionAndDeletion() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.TTL);
		store.upsert(FEATURES, "a", flag("a", 4));
		store.delete(FEATURES, "b", 6);
		assertThat(this.core.stored(FEATURES, "a")).satisfies(s -> {
			assertThat(s.version()).isEqualTo(4);
			assertThat(s.deleted()).isFalse();
			assertThat(s.serializedItem()).contains("\"version\":4");
		});
		assertThat(this.core.stored(FEATURES, "b"))
			.isEqualTo(new SerializedItemDescriptor(6, true, "{\"version\":6,\"deleted\":true}"));
	}

	@Test
	void shouldDecodeVersionAndDeletionFromTheStringWhenTheStoreKeepsOnlyTheString() {
		this.core.put(FEATURES, "a", new SerializedItemDescriptor(0, false, "{\"key\":\"a\",\"version\":8,\"on\":true}"));
		this.core.put(FEATURES, "b", new SerializedItemDescriptor(0, false, "{\"version\":9,\"deleted\":true}"));
		PersistentDataStoreWrapper store = wrapper(CacheMode.NONE);
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 8));
		assertThat(store.get(FEATURES, "b")).isEqualTo(ItemDescriptor.deleted(9));
	}

	@ParameterizedTest
	@EnumSource(CacheMode.class)
	void shouldRefuseNullsAndNegativeVersions(CacheMode mode) {
		PersistentDataStoreWrapper store = wrapper(mode);
		assertThatNullPointerException().isThrownBy(() -> store.get(null, "a")).withMessage("kind");
		assertThatNullPointerException().isThrownBy(() -> store.get(FEATURES, null)).withMessage("key");
		assertThatNullPointerException().isThrownBy(() -> store.upsert(FEATURES, null, flag("a", 1)));
		assertThatNullPointerException().isThrownBy(() -> store.init(null));
		assertThatIllegalArgumentException().isThrownBy(() -> store.delete(FEATURES, "a", -1));
		assertThat(store.getStatusProvider().getStatus().isAvailable()).isTrue();
	}

	@ParameterizedTest
	@EnumSource(CacheMode.class)
	void malformedItemShouldGiveAClearErrorWithoutAnOutage(CacheMode mode) {
		this.core.put(FEATURES, "bad", new SerializedItemDescriptor(3, false, "{\"version\":3,"));
		this.core.put(FEATURES, "good", new SerializedItemDescriptor(1, false, FEATURES.serialize(flag("good", 1))));
		PersistentDataStoreWrapper store = wrapper(mode);
		assertThatExceptionOfType(MalformedItemException.class).isThrownBy(() -> store.get(FEATURES, "bad"))
			.withMessageContaining("'bad'")
			.withMessageContaining("features")
			.withMessageContaining("malformed JSON");
		assertThatExceptionOfType(MalformedItemException.class).isThrownBy(() -> store.getAll(FEATURES));
		assertThat(store.get(FEATURES, "good")).isEqualTo(flag("good", 1));
		assertThat(store.getStatusProvider().getStatus().isAvailable()).isTrue();
	}

	@Test
	void storeAnsweringNullWhereItMustNotShouldGiveAClearError() {
		PersistentDataStore broken = new TestPersistentStore() {
			@Override
			public KeyedItems<SerializedItemDescriptor> getAll(DataKind kind) {
				return null;
			}
		};
		PersistentDataStoreWrapper store = wrapper(PersistentDataStoreWrapper.builder(broken)
			.cacheMode(CacheMode.TTL)
			.heartbeatInterval(Duration.ZERO));
		assertThatExceptionOfType(MalformedItemException.class).isThrownBy(() -> store.getAll(FEATURES))
			.withMessageContaining("getAll returned null");
		this.core.put(FEATURES, "nothing", new SerializedItemDescriptor(2, false, null));
		PersistentDataStoreWrapper other = wrapper(CacheMode.TTL);
		assertThatExceptionOfType(MalformedItemException.class).isThrownBy(() -> other.get(FEATURES, "nothing"))
			.withMessageContaining("no serialized item");
		assertThat(store.getStatusProvider().getStatus().isAvailable()).isTrue();
		assertThat(other.getStatusProvider().getStatus().isAvailable()).isTrue();
	}

	// --- status: failure, polling, recovery ---

	@ParameterizedTest
	@EnumSource(CacheMode.class)
	void failedCallShouldMakeStatusUnavailableBeforeItReturns(CacheMode mode) {
		PersistentDataStoreWrapper store = wrapper(mode);
		RecordingListener listener = listen(store);
		this.core.fail();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.get(FEATURES, "x"));
		DataStoreStatus status = store.getStatusProvider().getStatus();
		assertThat(status.isAvailable()).isFalse();
		assertThat(status.isRefreshNeeded()).isFalse();
		assertThat(status.getLastError()).contains("simulated outage");
		await().until(() -> listener.states().equals(List.of("down")));
		assertThat(listener.threads).noneMatch(thread -> thread == Thread.currentThread());
	}

	@Test
	void lastErrorShouldLeaveOutQuotedStatements() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.NONE);
		this.core.failWith(new IllegalStateException("PreparedStatementCallback; SQL [INSERT INTO flagstore_items AS t "
				+ "(kind, item_key, version, deleted, item) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, item_key) DO "
				+ "UPDATE SET version = EXCLUDED.version WHERE t.version < EXCLUDED.version]; FATAL: terminating "
				+ "connection due to unexpected postmaster exit"));
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.get(FEATURES, "x"));
		assertThat(store.getStatusProvider().getStatus().getLastError()).isEqualTo("get(features) failed <- "
				+ "IllegalStateException: PreparedStatementCallback; FATAL: terminating connection due to unexpected "
				+ "postmaster exit");
	}

	@Test
	void lastErrorShouldAddTheCauseWhenItSaysMore() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.NONE);
		this.core.failWith(new IllegalStateException("Failed to obtain JDBC Connection",
				new java.sql.SQLTransientConnectionException("pool-1 - Connection is not available, password=hunter2 in the log",
						new java.io.IOException("Connection refused"))));
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.get(FEATURES, "x"));
		assertThat(store.getStatusProvider().getStatus().getLastError()).isEqualTo("get(features) failed <- "
				+ "IllegalStateException: Failed to obtain JDBC Connection <- SQLTransientConnectionException: pool-1 - "
				+ "Connection is not available, password=**** in the log");
	}

	@Test
	void lastErrorShouldSkipCausesWithoutAMessageOnceItHasOne() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.NONE);
		this.core.failWith(new IllegalStateException("Failed to obtain JDBC Connection",
				new RuntimeException((String) null, new java.io.IOException("Connection refused"))));
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.get(FEATURES, "x"));
		assertThat(store.getStatusProvider().getStatus().getLastError()).isEqualTo("get(features) failed <- "
				+ "IllegalStateException: Failed to obtain JDBC Connection <- IOException: Connection refused");
	}

	@Test
	void lastErrorShouldMaskQuotedSecrets() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.NONE);
		this.core.failWith(new IllegalStateException("bad config {\"password\": \"hunter2\"}",
				new IllegalArgumentException("password='hunter3' rejected")));
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.get(FEATURES, "x"));
		assertThat(store.getStatusProvider().getStatus().getLastError()).doesNotContain("hunter2")
			.doesNotContain("hunter3")
			.contains("****");
	}

	@Test
	void lastErrorShouldNotRepeatACauseItsMessageAlreadyQuotes() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.NONE);
		this.core.failWith(new IllegalStateException("PreparedStatementCallback; FATAL: terminating connection",
				new java.sql.SQLException("FATAL: terminating connection")));
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.get(FEATURES, "x"));
		assertThat(store.getStatusProvider().getStatus().getLastError())
			.isEqualTo("get(features) failed <- IllegalStateException: PreparedStatementCallback; FATAL: terminating "
					+ "connection");
	}

	@Test
	void lastErrorShouldNotContainCredentials() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.NONE);
		this.core.fail();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.get(FEATURES, "x"));
		assertThat(store.getStatusProvider().getStatus().getLastError()).doesNotContain("hunter2")
			.contains("password=****")
			.contains("redis://****@db:6379");
	}

	@ParameterizedTest
	@EnumSource(value = CacheMode.class, names = { "TTL", "NONE" })
	void recoveryWithoutInfiniteCacheShouldReportRefreshNeeded(CacheMode mode) {
		PersistentDataStoreWrapper store = wrapper(mode);
		store.init(dataSet(flag("a", 1)));
		RecordingListener listener = listen(store);
		this.core.fail();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.upsert(FEATURES, "a", flag("a", 2)));
		this.core.recover();
		await().until(() -> listener.states().equals(List.of("down", "up+refresh")));
		assertThat(store.getStatusProvider().getStatus().isRefreshNeeded()).isTrue();
		store.init(dataSet(flag("a", 3)));
		await().until(() -> listener.states().equals(List.of("down", "up+refresh", "up")));
	}

	@Test
	void recoveryWithInfiniteCacheShouldWriteBackWhatWasWrittenDuringTheOutage() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.FOREVER);
		store.init(dataSet(flag("a", 1), flag("b", 1)));
		RecordingListener listener = listen(store);
		this.core.fail();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.upsert(FEATURES, "a", flag("a", 2)));
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.delete(FEATURES, "b", 2));
		assertThatExceptionOfType(DataStoreException.class)
			.isThrownBy(() -> store.upsert(SEGMENTS, "s", flag("s", 1)));
		// Served from the cache during the outage, newest first.
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 2));
		assertThat(store.getAll(FEATURES).items()).containsEntry("b", ItemDescriptor.deleted(2));
		this.core.recover();
		await().until(() -> listener.states().equals(List.of("down", "up")));
		assertThat(store.getStatusProvider().getStatus().isRefreshNeeded()).isFalse();
		assertThat(this.core.stored(FEATURES, "a").version()).isEqualTo(2);
		assertThat(this.core.stored(FEATURES, "b").deleted()).isTrue();
		assertThat(this.core.stored(SEGMENTS, "s").version()).isEqualTo(1);
	}

	@Test
	void failedWriteBackShouldStayUnavailableAndRetry() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.FOREVER);
		store.init(dataSet(flag("a", 1)));
		RecordingListener listener = listen(store);
		this.core.fail();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.upsert(FEATURES, "a", flag("a", 2)));
		// The store answers probes again, but writing the data back (item by item: the store still has data)
		// still fails.
		this.core.mode = TestPersistentStore.Mode.OK;
		this.core.failOnly = "upsert";
		int upsertCalls = this.core.calls("upsert");
		await().until(() -> this.core.calls("upsert") >= upsertCalls + 3);
		assertThat(store.getStatusProvider().getStatus().isAvailable()).isFalse();
		this.core.recover();
		await().until(() -> listener.states().equals(List.of("down", "up")));
		assertThat(this.core.stored(FEATURES, "a").version()).isEqualTo(2);
	}

	@Test
	void infiniteCacheRecoveryBeforeAnyInitShouldReportRefreshNeeded() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.FOREVER);
		RecordingListener listener = listen(store);
		this.core.fail();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.upsert(FEATURES, "a", flag("a", 1)));
		this.core.recover();
		await().until(() -> listener.states().equals(List.of("down", "up+refresh")));
		assertThat(this.core.calls("init")).isZero();
	}

	@Test
	void failedInitWithInfiniteCacheShouldBeWrittenOnRecovery() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.FOREVER);
		this.core.fail();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.init(dataSet(flag("a", 1))));
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 1));
		this.core.recover();
		await().until(() -> this.core.stored(FEATURES, "a") != null);
		await().until(() -> store.getStatusProvider().getStatus().isAvailable());
		assertThat(store.getStatusProvider().getStatus().isRefreshNeeded()).isFalse();
	}

	@Test
	void failedInitShouldKeepTheWarmCache() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.TTL);
		store.init(dataSet(flag("a", 1)));
		this.core.fail();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.init(dataSet(flag("a", 2))));
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 1));
		assertThat(store.getAll(FEATURES).items()).containsKey("a");
	}

	@ParameterizedTest
	@EnumSource(value = CacheMode.class, names = { "TTL", "FOREVER" })
	void readsDuringAnOutageShouldBeServedFromTheCache(CacheMode mode) {
		PersistentDataStoreWrapper store = wrapper(mode);
		store.init(dataSet(flag("a", 1)));
		this.core.fail();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.get(FEATURES, "uncached"));
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 1));
		assertThat(store.getAll(FEATURES).items()).containsKey("a");
		assertThat(store.isInitialized()).isTrue();
	}

	@Test
	void readsWithoutCacheShouldThrowRatherThanAnswerAbsent() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.NONE);
		store.init(dataSet(flag("a", 1)));
		this.core.fail();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.get(FEATURES, "a"));
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.getAll(FEATURES));
	}

	@Test
	void failingIsInitializedShouldAnswerFalseAndReportTheOutage() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.TTL);
		this.core.fail();
		assertThat(store.isInitialized()).isFalse();
		assertThat(store.getStatusProvider().getStatus().isAvailable()).isFalse();
	}

	@Test
	void isInitializedShouldStayTrueWithoutAskingTheStoreAgain() {
		this.core.init(new FullDataSet<>(java.util.Map.of()));
		PersistentDataStoreWrapper store = wrapper(CacheMode.NONE);
		assertThat(store.isInitialized()).isTrue();
		assertThat(store.isInitialized()).isTrue();
		assertThat(this.core.calls("isInitialized")).isEqualTo(1);
	}

	@Test
	void cachedIsInitializedShouldNotHammerTheStore() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.TTL);
		for (int i = 0; i < 100; i++) {
			assertThat(store.isInitialized()).isFalse();
		}
		assertThat(this.core.calls("isInitialized")).isEqualTo(1);
	}

	@Test
	void hungStoreShouldBeAnOutageNotAHungCaller() {
		PersistentDataStoreWrapper store = wrapper(builder(CacheMode.TTL).operationTimeout(Duration.ofMillis(100)));
		RecordingListener listener = listen(store);
		this.core.hang();
		long start = System.nanoTime();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.get(FEATURES, "a"))
			.withMessageContaining("timed out");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(store.getStatusProvider().getStatus().isAvailable()).isFalse();
		this.core.recover();
		await().until(() -> listener.states().equals(List.of("down", "up+refresh")));
	}

	@Test
	void heartbeatShouldNoticeAnOutageWhileIdle() {
		PersistentDataStoreWrapper store = wrapper(builder(CacheMode.TTL).heartbeatInterval(Duration.ofMillis(30)));
		RecordingListener listener = listen(store);
		this.core.fail();
		await().until(() -> listener.states().equals(List.of("down")));
		this.core.recover();
		await().until(() -> listener.states().equals(List.of("down", "up+refresh")));
	}

	@Test
	void hangingProbeShouldCountAsAnOutage() {
		PersistentDataStoreWrapper store = wrapper(builder(CacheMode.TTL).heartbeatInterval(Duration.ofMillis(30))
			.operationTimeout(Duration.ofMillis(100)));
		this.core.hang();
		await().until(() -> !store.getStatusProvider().getStatus().isAvailable());
		assertThat(store.getStatusProvider().getStatus().getLastError()).contains("timed out");
	}

	@Test
	void zeroHeartbeatShouldMakeNoStoreCallsWhileIdle() {
		PersistentDataStoreWrapper store = wrapper(fakeTime(builder(CacheMode.TTL)));
		store.init(dataSet(flag("a", 1)));
		int before = this.core.calls.values().stream().mapToInt(AtomicInteger::get).sum();
		this.scheduler.advance(Duration.ofHours(1));
		assertThat(this.core.calls.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(before);
	}

	@Test
	void heartbeatShouldNoticeAWipedStore() {
		PersistentDataStoreWrapper store = wrapper(builder(CacheMode.TTL).heartbeatInterval(Duration.ofMillis(30)));
		store.init(dataSet(flag("a", 1)));
		RecordingListener listener = listen(store);
		this.core.wipe();
		await().until(() -> listener.states().equals(List.of("up+refresh")));
		store.init(dataSet(flag("a", 1)));
		await().until(() -> listener.states().equals(List.of("up+refresh", "up")));
	}

	@Test
	void heartbeatShouldRewriteAWipedStoreWithInfiniteCache() {
		PersistentDataStoreWrapper store = wrapper(builder(CacheMode.FOREVER).heartbeatInterval(Duration.ofMillis(30)));
		store.init(dataSet(flag("a", 1)));
		store.upsert(FEATURES, "b", flag("b", 2));
		this.core.wipe();
		await().until(() -> this.core.stored(FEATURES, "b") != null);
		assertThat(this.core.stored(FEATURES, "a").version()).isEqualTo(1);
		assertThat(store.getStatusProvider().getStatus().isAvailable()).isTrue();
		assertThat(store.getStatusProvider().getStatus().isRefreshNeeded()).isFalse();
	}

	// --- cache behaviour ---

	@Test
	void concurrentMissesForOneKeyShouldMakeOneStoreCall() throws Exception {
		PersistentDataStoreWrapper store = wrapper(CacheMode.TTL);
		this.core.put(FEATURES, "a", new SerializedItemDescriptor(1, false, FEATURES.serialize(flag("a", 1))));
		this.core.hang();
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Future<ItemDescriptor>> reads = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				reads.add(pool.submit(() -> store.get(FEATURES, "a")));
			}
			await().until(() -> this.core.calls("get") == 1);
			this.core.recover();
			for (Future<ItemDescriptor> read : reads) {
				assertThat(read.get(5, TimeUnit.SECONDS)).isEqualTo(flag("a", 1));
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.core.calls("get")).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(value = CacheMode.class, names = { "TTL", "FOREVER" })
	void missShouldBeCachedOnlyForTheTtl(CacheMode mode) {
		FakeTicker ticker = new FakeTicker();
		PersistentDataStoreWrapper store = wrapper(builder(mode).cacheTtl(Duration.ofSeconds(15)).ticker(ticker));
		assertThat(store.get(FEATURES, "a")).isNull();
		this.core.put(FEATURES, "a", new SerializedItemDescriptor(1, false, FEATURES.serialize(flag("a", 1))));
		assertThat(store.get(FEATURES, "a")).isNull();
		ticker.advance(Duration.ofSeconds(16));
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 1));
	}

	@Test
	void ttlShouldExpireItemsButForeverShouldNot() {
		FakeTicker ticker = new FakeTicker();
		PersistentDataStoreWrapper ttl = wrapper(builder(CacheMode.TTL).ticker(ticker));
		PersistentDataStoreWrapper forever = wrapper(builder(CacheMode.FOREVER).ticker(ticker));
		ttl.upsert(FEATURES, "a", flag("a", 1));
		ttl.get(FEATURES, "a");
		forever.get(FEATURES, "a");
		this.core.put(FEATURES, "a", new SerializedItemDescriptor(5, false, FEATURES.serialize(flag("a", 5))));
		ticker.advance(Duration.ofSeconds(16));
		assertThat(ttl.get(FEATURES, "a")).isEqualTo(flag("a", 5));
		assertThat(forever.get(FEATURES, "a")).isEqualTo(flag("a", 1));
	}

	@Test
	void rejectedUpsertShouldLetTheCacheTakeTheStoresNewerItem() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.TTL);
		store.upsert(FEATURES, "a", flag("a", 1));
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 1));
		// Another instance writes version 7.
		this.core.put(FEATURES, "a", new SerializedItemDescriptor(7, false, FEATURES.serialize(flag("a", 7))));
		assertThat(store.upsert(FEATURES, "a", flag("a", 3))).isFalse();
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 7));
	}

	@Test
	void staleReadOnAWritePathShouldNeverRefillTheCacheWithAnOlderVersion() throws Exception {
		FakeTicker ticker = new FakeTicker();
		BlockingGetStore blocking = new BlockingGetStore();
		PersistentDataStoreWrapper store = wrapper(PersistentDataStoreWrapper.builder(blocking)
			.cacheMode(CacheMode.TTL)
			.heartbeatInterval(Duration.ZERO)
			.ticker(ticker));
		store.upsert(FEATURES, "a", flag("a", 1));
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 1));
		// A rejected upsert makes the wrapper read the store's item (version 1); that read is held up.
		blocking.holdNextGet();
		ExecutorService writer = Executors.newSingleThreadExecutor();
		try {
			Future<Boolean> rejected = writer.submit(() -> store.upsert(FEATURES, "a", flag("a", 1)));
			blocking.awaitHeldGet();
			// Meanwhile a newer version is written and read, then its cache entry expires.
			assertThat(store.upsert(FEATURES, "a", flag("a", 5))).isTrue();
			assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 5));
			ticker.advance(Duration.ofSeconds(16));
			blocking.releaseHeldGet();
			assertThat(rejected.get(5, TimeUnit.SECONDS)).isFalse();
		}
		finally {
			writer.shutdownNow();
		}
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 5));
	}

	/** A store whose next {@code get} reads its answer, then waits until released: a slow, stale read. */
	static final class BlockingGetStore extends TestPersistentStore {

		private volatile CountDownLatch held = new CountDownLatch(0);

		private final CountDownLatch entered = new CountDownLatch(1);

		private final java.util.concurrent.atomic.AtomicBoolean holdNext = new java.util.concurrent.atomic.AtomicBoolean();

		void holdNextGet() {
			this.held = new CountDownLatch(1);
			this.holdNext.set(true);
		}

		void awaitHeldGet() throws InterruptedException {
			assertThat(this.entered.await(5, TimeUnit.SECONDS)).isTrue();
		}

		void releaseHeldGet() {
			this.held.countDown();
		}

		@Override
		public SerializedItemDescriptor get(DataKind kind, String key) {
			SerializedItemDescriptor answer = super.get(kind, key);
			if (this.holdNext.compareAndSet(true, false)) {
				this.entered.countDown();
				try {
					this.held.await(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return answer;
		}

	}

	@Test
	void refreshShouldReloadOnTheReadingThreadAndReturnTheNewValue() {
		FakeTicker ticker = new FakeTicker();
		PersistentDataStoreWrapper store = wrapper(
				builder(CacheMode.TTL).staleValuesPolicy(StaleValuesPolicy.REFRESH).ticker(ticker));
		store.upsert(FEATURES, "a", flag("a", 1));
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 1));
		this.core.put(FEATURES, "a", new SerializedItemDescriptor(2, false, FEATURES.serialize(flag("a", 2))));
		ticker.advance(Duration.ofSeconds(16));
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 2));
	}

	@Test
	void failedRefreshShouldServeTheOldValueAndReportTheFailure() {
		FakeTicker ticker = new FakeTicker();
		PersistentDataStoreWrapper store = wrapper(
				builder(CacheMode.TTL).staleValuesPolicy(StaleValuesPolicy.REFRESH).ticker(ticker));
		store.upsert(FEATURES, "a", flag("a", 1));
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 1));
		this.core.fail();
		ticker.advance(Duration.ofSeconds(16));
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 1));
		assertThat(store.getStatusProvider().getStatus().isAvailable()).isFalse();
	}

	@Test
	void asyncRefreshShouldReturnTheOldValueThenTheNewOne() {
		FakeTicker ticker = new FakeTicker();
		PersistentDataStoreWrapper store = wrapper(
				builder(CacheMode.TTL).staleValuesPolicy(StaleValuesPolicy.REFRESH_ASYNC).ticker(ticker));
		store.upsert(FEATURES, "a", flag("a", 1));
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 1));
		this.core.put(FEATURES, "a", new SerializedItemDescriptor(2, false, FEATURES.serialize(flag("a", 2))));
		// The reload is held up in the store: the read must not wait for it.
		this.core.hang();
		ticker.advance(Duration.ofSeconds(16));
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 1));
		this.core.recover();
		await().until(() -> flag("a", 2).equals(store.get(FEATURES, "a")));
	}

	@Test
	void failedAsyncRefreshShouldBeReported() {
		FakeTicker ticker = new FakeTicker();
		PersistentDataStoreWrapper store = wrapper(
				builder(CacheMode.TTL).staleValuesPolicy(StaleValuesPolicy.REFRESH_ASYNC).ticker(ticker));
		store.upsert(FEATURES, "a", flag("a", 1));
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 1));
		this.core.fail();
		ticker.advance(Duration.ofSeconds(16));
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 1));
		await().until(() -> !store.getStatusProvider().getStatus().isAvailable());
		assertThat(store.get(FEATURES, "a")).isEqualTo(flag("a", 1));
	}

	@Test
	void cacheStatisticsShouldCountHitsMissesAndFailures() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.TTL);
		store.upsert(FEATURES, "a", flag("a", 1));
		store.get(FEATURES, "a");
		store.get(FEATURES, "a");
		store.get(FEATURES, "b");
		this.core.fail();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.get(FEATURES, "c"));
		// The upsert cached "a": both reads of it are hits; "b" and "c" are misses, "c" a failed load (Caffeine counts
		// it in a completion callback, which may run just after the reader got its exception).
		await().untilAsserted(() -> {
			var stats = store.getCaches().get("items").stats();
			assertThat(stats.hitCount()).isEqualTo(2);
			assertThat(stats.missCount()).isEqualTo(2);
			assertThat(stats.loadFailureCount()).isEqualTo(1);
		});
	}

	@Test
	void zeroTtlShouldMeanNoCache() {
		PersistentDataStoreWrapper store = wrapper(builder(CacheMode.TTL).cacheTtl(Duration.ZERO));
		assertThat(store.getCacheMode()).isEqualTo(CacheMode.NONE);
		assertThat(store.getCaches()).isEmpty();
	}

	// --- update sink ---

	@Test
	void pushedStatusShouldBeAdoptedAndPublishedAsIs() {
		PersistentDataStoreWrapper store = wrapper(fakeTime(builder(CacheMode.TTL)));
		RecordingListener listener = listen(store);
		// tag::push-status[]
		DataStoreStatus pushed = new DataStoreStatus(false, false, java.time.Instant.parse("2026-01-01T00:00:00Z"),
				"told by the store");
		this.core.sink.updateStatus(pushed);
		// end::push-status[]
		assertThat(store.getStatusProvider().getStatus()).isEqualTo(pushed);
		assertThat(listener.received).containsExactly(pushed);
		// Not polling: the store must push its recovery itself.
		this.scheduler.advance(Duration.ofMinutes(1));
		assertThat(this.core.calls("isStoreAvailable")).isZero();
		assertThatNullPointerException().isThrownBy(() -> this.core.sink.updateStatus(null));
	}

	// --- close ---

	@Test
	void closeShouldBeIdempotentAndCloseTheStoreOnce() {
		PersistentDataStoreWrapper store = wrapper(CacheMode.TTL);
		store.close();
		store.close();
		assertThat(this.core.closeCount).hasValue(1);
		assertThatIllegalStateException().isThrownBy(() -> store.get(FEATURES, "a"));
		assertThat(store.getStatusProvider().getStatus().isAvailable()).isTrue();
	}

	@Test
	void closeShouldStopPollingAndPublishNothingAfterwards() {
		PersistentDataStoreWrapper store = wrapper(fakeTime(builder(CacheMode.TTL).heartbeatInterval(Duration.ofMillis(20))));
		RecordingListener listener = listen(store);
		this.core.fail();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.get(FEATURES, "a"));
		assertThat(listener.states()).containsExactly("down");
		this.scheduler.advance(Duration.ofMillis(100));
		int probes = this.core.calls("isStoreAvailable");
		assertThat(probes).as("polling").isPositive();
		store.close();
		this.core.recover();
		this.core.sink.updateStatus(DataStoreStatus.available(java.time.Instant.now()));
		this.scheduler.advance(Duration.ofMinutes(1));
		assertThat(this.core.calls("isStoreAvailable")).isEqualTo(probes);
		assertThat(listener.states()).containsExactly("down");
		assertThat(this.scheduler.pending()).as("nothing scheduled after close").isZero();
	}

	@Test
	void closeShouldLeaveNoFlagstoreThread() {
		PersistentDataStoreWrapper store = wrapper(builder(CacheMode.TTL).heartbeatInterval(Duration.ofMillis(20)));
		this.core.fail();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> store.get(FEATURES, "a"));
		store.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> flagstoreThreads().isEmpty());
	}

	@Test
	void closeShouldEndAHungCall() throws Exception {
		PersistentDataStoreWrapper store = wrapper(builder(CacheMode.TTL).operationTimeout(Duration.ofSeconds(30)));
		this.core.hang();
		CountDownLatch started = new CountDownLatch(1);
		ExecutorService caller = Executors.newSingleThreadExecutor();
		try {
			Future<?> read = caller.submit(() -> {
				started.countDown();
				return store.get(FEATURES, "a");
			});
			started.await();
			await().until(() -> this.core.calls("get") == 1);
			store.close();
			assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
				.isThrownBy(() -> read.get(5, TimeUnit.SECONDS));
		}
		finally {
			caller.shutdownNow();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> flagstoreThreads().isEmpty());
	}

	@Test
	void builderShouldRefuseBadSettings() {
		PersistentDataStoreWrapper.Builder builder = PersistentDataStoreWrapper.builder(this.core);
		assertThatIllegalArgumentException().isThrownBy(() -> builder.cacheTtl(Duration.ofSeconds(-1)))
			.withMessageContaining("cacheTtl").withMessageContaining("-1");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.pollInterval(Duration.ZERO))
			.withMessageContaining("pollInterval");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.heartbeatInterval(Duration.ofMillis(-5)));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.operationTimeout(Duration.ofMillis(-5)));
		assertThatNullPointerException().isThrownBy(() -> builder.cacheMode(null));
		assertThatNullPointerException().isThrownBy(() -> PersistentDataStoreWrapper.builder(null));
	}

	/** Threads of this test class's wrappers that are still alive (others' belong to parallel tests). */
	static List<Thread> flagstoreThreads() {
		return Thread.getAllStackTraces().keySet().stream()
			.filter(Thread::isAlive)
			.filter(thread -> thread.getName().startsWith("flagstore-"))
			.toList();
	}

}
