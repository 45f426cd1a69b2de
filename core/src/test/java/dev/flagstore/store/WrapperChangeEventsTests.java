package dev.flagstore.store;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.flagstore.changes.FlagChange;
import dev.flagstore.changes.FlagChange.Origin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.flagstore.store.TestData.FEATURES;
import static dev.flagstore.store.TestData.dataSet;
import static dev.flagstore.store.TestData.flag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Change events of the wrapper, in every cache mode, on fake time with everything run on the test's thread: which
 * writes fire, the init diff and where its old data comes from, and the remote-change hook.
 */
class WrapperChangeEventsTests {

	private final FakeTicker ticker = new FakeTicker();

	private final ManualScheduler scheduler = new ManualScheduler(this.ticker);

	private final TestPersistentStore core = new TestPersistentStore();

	private final RecordingChanges changes = new RecordingChanges();

	private PersistentDataStoreWrapper store = build(CacheMode.TTL);

	private PersistentDataStoreWrapper build(CacheMode mode) {
		return PersistentDataStoreWrapper.builder(this.core)
			.cacheMode(mode)
			.cacheTtl(Duration.ofSeconds(15))
			.heartbeatInterval(Duration.ZERO)
			.ticker(this.ticker)
			.scheduler(this.scheduler)
			.executor(Runnable::run)
			.build();
	}

	private void use(CacheMode mode) {
		this.store.close();
		this.store = build(mode);
		this.store.getFlagTracker().addListener(this.changes);
	}

	@AfterEach
	void close() {
		this.store.close();
	}

	@ParameterizedTest
	@EnumSource(CacheMode.class)
	void appliedWritesShouldFireAndRejectedOnesNot(CacheMode mode) {
		use(mode);
		assertThat(this.store.upsert(FEATURES, "a", flag("a", 2))).isTrue();
		assertThat(this.store.upsert(FEATURES, "a", flag("a", 1))).isFalse();
		assertThat(this.store.delete(FEATURES, "a", 3)).isTrue();
		assertThat(this.changes.received).containsExactly(new FlagChange(FEATURES, "a", 2, Origin.LOCAL),
				new FlagChange(FEATURES, "a", 3, Origin.LOCAL));
	}

	@ParameterizedTest
	@EnumSource(value = CacheMode.class, names = { "TTL", "NONE" })
	void failedWriteShouldFireNothingWithoutTheForeverCache(CacheMode mode) {
		use(mode);
		this.core.fail();
		assertThatExceptionOfType(DataStoreException.class)
			.isThrownBy(() -> this.store.upsert(FEATURES, "a", flag("a", 1)));
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> this.store.init(dataSet(flag("b", 1))));
		assertThat(this.changes.received).isEmpty();
	}

	@Test
	void failedWriteKeptByTheForeverCacheShouldFireAsReadersSeeIt() {
		use(CacheMode.FOREVER);
		this.store.init(dataSet(flag("a", 1)));
		this.core.fail();
		assertThatExceptionOfType(DataStoreException.class)
			.isThrownBy(() -> this.store.upsert(FEATURES, "a", flag("a", 2)));
		assertThat(this.store.get(FEATURES, "a").version()).isEqualTo(2);
		assertThatExceptionOfType(DataStoreException.class)
			.isThrownBy(() -> this.store.init(dataSet(flag("a", 2), flag("b", 1))));
		assertThat(this.changes.seen()).containsExactly("features/a@1", "features/a@2", "features/b@1");
	}

	@ParameterizedTest
	@EnumSource(CacheMode.class)
	void initShouldFireOnlyForAddedRemovedAndChangedItems(CacheMode mode) {
		use(mode);
		this.store.init(dataSet(flag("same", 1), flag("changed", 1), flag("removed", 7)));
		this.changes.received.clear();
		this.store.init(dataSet(flag("same", 1), flag("changed", 2), flag("added", 1)));
		assertThat(this.changes.seen()).containsExactlyInAnyOrder("features/changed@2", "features/added@1",
				"features/removed@8");
	}

	@Test
	void initShouldTakeTheOldDataFromTheForeverCacheWithoutReadingTheStore() {
		use(CacheMode.FOREVER);
		this.store.init(dataSet(flag("a", 1)));
		int reads = this.core.calls("getAll");
		this.store.init(dataSet(flag("a", 2)));
		assertThat(this.core.calls("getAll")).isEqualTo(reads);
		assertThat(this.changes.seen()).containsExactly("features/a@1", "features/a@2");
	}

	@Test
	void initShouldReadTheOldDataFromTheStoreWhereTheCacheDoesNotHoldItAll() {
		use(CacheMode.TTL);
		this.store.init(dataSet(flag("a", 1)));
		// Another instance's write, not seen here: the diff still finds it, as it reads the store.
		this.core.put(FEATURES, "b", StoreAccess.serialize(FEATURES, flag("b", 3)));
		this.changes.received.clear();
		this.store.init(dataSet(flag("a", 1)));
		assertThat(this.changes.seen()).containsExactly("features/b@4");
	}

	@Test
	void initShouldNotReadTheOldDataWhileNobodyListens() {
		this.store.init(dataSet(flag("a", 1)));
		this.store.init(dataSet(flag("a", 2)));
		assertThat(this.core.calls("getAll")).isZero();
	}

	@Test
	void initWhoseOldDataCannotBeReadShouldSucceedAndFireForEveryItem() {
		use(CacheMode.TTL);
		this.store.init(dataSet(flag("a", 1), flag("gone", 1)));
		this.changes.received.clear();
		this.core.failOnly = "getAll";
		this.store.init(dataSet(flag("a", 1), flag("b", 1)));
		assertThat(this.core.calls("init")).isEqualTo(2);
		// Every item of the new data set, and what this instance knew the new one lacks.
		assertThat(this.changes.seen()).containsExactlyInAnyOrder("features/a@1", "features/b@1", "features/gone@2");
	}

	@ParameterizedTest
	@EnumSource(value = CacheMode.class, names = { "TTL", "FOREVER" })
	void remoteChangeShouldReplaceTheCachedItemBeforeItsEventFires(CacheMode mode) {
		use(mode);
		this.store.init(dataSet(flag("a", 1)));
		assertThat(this.store.get(FEATURES, "a").version()).isEqualTo(1);
		this.core.put(FEATURES, "a", StoreAccess.serialize(FEATURES, flag("a", 2)));
		assertThat(this.store.get(FEATURES, "a").version()).as("cached").isEqualTo(1);
		int[] seenByListener = new int[1];
		this.store.getFlagTracker().addListener(change -> seenByListener[0] = this.store.get(FEATURES, "a").version());
		assertThat(this.store.remoteChange(FEATURES, "a", 2)).isTrue();
		assertThat(seenByListener[0]).isEqualTo(2);
		assertThat(this.store.get(FEATURES, "a").version()).isEqualTo(2);
		assertThat(this.store.getAll(FEATURES).items().get("a").version()).isEqualTo(2);
		assertThat(this.changes.received).last().isEqualTo(new FlagChange(FEATURES, "a", 2, Origin.REMOTE));
	}

	@Test
	void remoteChangeShouldSkipVersionsThisInstanceAlreadyReported() {
		use(CacheMode.TTL);
		this.store.upsert(FEATURES, "a", flag("a", 3));
		int reads = this.core.calls("get");
		assertThat(this.store.remoteChange(FEATURES, "a", 3)).isFalse();
		assertThat(this.store.remoteChange(FEATURES, "a", 2)).isFalse();
		assertThat(this.core.calls("get")).as("skipped before any store call").isEqualTo(reads);
		assertThat(this.changes.seen()).containsExactly("features/a@3");
	}

	@ParameterizedTest
	@EnumSource(value = CacheMode.class, names = { "TTL", "FOREVER" })
	void remoteChangeOfAnItemGoneFromTheStoreShouldDropItFromTheCache(CacheMode mode) {
		use(mode);
		this.store.init(dataSet(flag("a", 1), flag("b", 1)));
		Map<DataKind, KeyedItems<SerializedItemDescriptor>> onlyB = new LinkedHashMap<>();
		onlyB.put(FEATURES, new KeyedItems<>(Map.of("b", StoreAccess.serialize(FEATURES, flag("b", 1)))));
		this.core.init(new FullDataSet<>(onlyB));
		assertThat(this.store.remoteChange(FEATURES, "a", 2)).isTrue();
		assertThat(this.store.get(FEATURES, "a")).isNull();
		assertThat(this.store.getAll(FEATURES).items()).containsOnlyKeys("b");
		assertThat(this.changes.received).last().isEqualTo(new FlagChange(FEATURES, "a", 2, Origin.REMOTE));
	}

	@Test
	void remoteChangeWhoseReadFailsShouldThrowAndFireNothing() {
		use(CacheMode.TTL);
		this.store.init(dataSet(flag("a", 1)));
		this.changes.received.clear();
		this.core.fail();
		assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> this.store.remoteChange(FEATURES, "a", 2));
		assertThat(this.changes.received).isEmpty();
		this.core.recover();
		this.core.put(FEATURES, "a", StoreAccess.serialize(FEATURES, flag("a", 2)));
		assertThat(this.store.remoteChange(FEATURES, "a", 2)).as("not marked as reported").isTrue();
	}

	@Test
	void closeShouldStopChangeDelivery() {
		use(CacheMode.TTL);
		this.store.close();
		assertThat(this.store.remoteChange(FEATURES, "a", 1)).isFalse();
		assertThat(this.changes.received).isEmpty();
	}

}
