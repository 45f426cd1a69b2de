package dev.flagstore.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.store.CacheMode;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.store.MalformedItemException;
import dev.flagstore.store.NonBlockingReads;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.store.PersistentDataStoreWrapper;
import dev.flagstore.store.SerializedItemDescriptor;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract every {@link PersistentDataStore} must honour, as an abstract JUnit 5 suite: extend it once per
 * database and implement {@link #createStore()} and {@link #clearData()}.
 *
 * <p>{@code createStore()} must return a new, open instance on the same database each time it is called: the
 * suite uses several instances at once to check that {@code isInitialized()} sees another instance's
 * {@code init} and that concurrent upserts from several instances keep the highest version. Every instance the
 * suite creates is closed after each test; {@code clearData()} runs before each test. Items are compared by
 * meaning: a store may answer a descriptor's version and deletion, or only the string (version {@code 0},
 * {@code deleted=false}), as {@link SerializedItemDescriptor} allows. A store that cannot honour one check can
 * override that test method (for example with {@code @Disabled} and a reason); the docs list what each check
 * protects.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
public abstract class PersistentDataStoreContractTests {

	/** A JSON kind whose items are read as maps, so items compare by content. */
	protected static final DataKind FEATURES = DataKind.json("features", Map.class);

	/** A second JSON kind, to check that kinds are kept apart. */
	protected static final DataKind SEGMENTS = DataKind.json("segments", Map.class);

	private final List<PersistentDataStore> stores = Collections.synchronizedList(new ArrayList<>());

	/**
	 * Creates a new, open store instance on the shared test database. Called several times per test.
	 * @return a store; the suite closes it after the test
	 */
	protected abstract PersistentDataStore createStore();

	/**
	 * Removes all data the stores of this suite can see (items and the initialized mark), so each test starts
	 * with an empty, uninitialized store. Runs before each test; must not depend on an open store instance.
	 * @throws Exception if the database cannot be cleared
	 */
	protected abstract void clearData() throws Exception;

	/**
	 * Writes a raw string as the stored form of an item, bypassing the store, to check how the store deals with
	 * malformed data. The default does not support it, and the malformed-data checks are skipped.
	 * @param kind the kind
	 * @param key the key
	 * @param version the version to record where the store keeps one next to the string
	 * @param rawValue the string to store as is
	 * @return whether the raw write is supported
	 * @throws Exception if the write fails
	 */
	protected boolean writeRawItem(DataKind kind, String key, int version, String rawValue) throws Exception {
		return false;
	}

	/**
	 * How many store instances write concurrently in the concurrency checks.
	 * @return the number of concurrent writers; at least 2
	 */
	protected int concurrentWriters() {
		return 4;
	}

	/**
	 * How many versions each concurrent writer writes in the concurrency checks.
	 * @return the number of rounds
	 */
	protected int concurrentRounds() {
		return 25;
	}

	@BeforeEach
	void clearDataBeforeEachTest() throws Exception {
		clearData();
	}

	@AfterEach
	void closeStoresAfterEachTest() {
		synchronized (this.stores) {
			for (PersistentDataStore store : this.stores) {
				try {
					store.close();
				}
				catch (RuntimeException ex) {
					// Closing is checked by its own tests; here it only releases resources.
				}
			}
			this.stores.clear();
		}
	}

	/**
	 * Creates a store instance that is closed after the test.
	 * @return a new store on the shared database
	 */
	protected final PersistentDataStore newStore() {
		PersistentDataStore store = createStore();
		assertThat(store).as("createStore()").isNotNull();
		this.stores.add(store);
		return store;
	}

	// ----------------------------------------------------------------- init and isInitialized

	@Test
	void storeIsNotInitializedBeforeInit() {
		assertThat(newStore().isInitialized()).isFalse();
	}

	@Test
	void initMarksStoreInitialized() {
		PersistentDataStore store = newStore();
		store.init(dataSet(Map.of(FEATURES, Map.of("a", item("a", 1)))));
		assertThat(store.isInitialized()).isTrue();
	}

	@Test
	void initWithNoDataMarksStoreInitialized() {
		PersistentDataStore store = newStore();
		store.init(new FullDataSet<>(Map.of()));
		assertThat(store.isInitialized()).isTrue();
		assertThat(store.getAll(FEATURES).items()).isEmpty();
	}

	@Test
	void initByOneInstanceIsSeenByAnother() {
		PersistentDataStore first = newStore();
		PersistentDataStore second = newStore();
		assertThat(second.isInitialized()).isFalse();
		first.init(dataSet(Map.of(FEATURES, Map.of("a", item("a", 1)))));
		assertThat(second.isInitialized()).isTrue();
		assertThat(resolve(FEATURES, second.get(FEATURES, "a"))).isEqualTo(expected("a", 1));
	}

	@Test
	void upsertAloneDoesNotMarkStoreInitialized() {
		PersistentDataStore store = newStore();
		assertThat(store.upsert(FEATURES, "a", item("a", 1))).isTrue();
		assertThat(store.isInitialized()).isFalse();
		assertThat(resolve(FEATURES, store.get(FEATURES, "a"))).isEqualTo(expected("a", 1));
	}

	@Test
	void initReplacesAllData() {
		PersistentDataStore store = newStore();
		store.init(dataSet(Map.of(FEATURES, Map.of("a", item("a", 1), "b", item("b", 1)), SEGMENTS,
				Map.of("s", item("s", 1)))));
		store.upsert(FEATURES, "c", item("c", 5));
		store.init(dataSet(Map.of(FEATURES, Map.of("b", item("b", 2), "d", item("d", 1)))));
		assertThat(keysAndVersions(FEATURES, store.getAll(FEATURES))).containsOnly(Map.entry("b", 2),
				Map.entry("d", 1));
		assertThat(store.get(FEATURES, "a")).isNull();
		assertThat(store.get(FEATURES, "c")).isNull();
		assertThat(store.getAll(SEGMENTS).items()).as("a kind missing from the new data set").isEmpty();
		assertThat(store.get(SEGMENTS, "s")).isNull();
	}

	@Test
	void initAcceptsLowerVersionsThanStored() {
		PersistentDataStore store = newStore();
		store.init(dataSet(Map.of(FEATURES, Map.of("a", item("a", 10)))));
		store.init(dataSet(Map.of(FEATURES, Map.of("a", item("a", 3)))));
		assertThat(resolve(FEATURES, store.get(FEATURES, "a"))).isEqualTo(expected("a", 3));
	}

	@Test
	void initKeepsTombstones() {
		PersistentDataStore store = newStore();
		store.init(dataSet(Map.of(FEATURES, Map.of("a", item("a", 1), "gone", tombstone(FEATURES, 4)))));
		assertThat(resolve(FEATURES, store.get(FEATURES, "gone"))).isEqualTo(Resolved.deleted(4));
		assertThat(store.upsert(FEATURES, "gone", item("gone", 3))).as("an older update after a tombstone")
			.isFalse();
	}

	@Test
	void initWithManyItemsRoundTrips() {
		PersistentDataStore store = newStore();
		Map<String, SerializedItemDescriptor> items = new LinkedHashMap<>();
		for (int i = 0; i < 500; i++) {
			items.put("flag-" + i, item("flag-" + i, i + 1));
		}
		store.init(dataSet(Map.of(FEATURES, items)));
		Map<String, Integer> versions = keysAndVersions(FEATURES, store.getAll(FEATURES));
		assertThat(versions).hasSize(500).containsEntry("flag-0", 1).containsEntry("flag-499", 500);
	}

	// ----------------------------------------------------------------- get and getAll

	@Test
	void getReturnsNullForUnknownKey() {
		PersistentDataStore store = newStore();
		assertThat(store.get(FEATURES, "missing")).isNull();
		store.init(dataSet(Map.of(FEATURES, Map.of("a", item("a", 1)))));
		assertThat(store.get(FEATURES, "missing")).isNull();
		assertThat(store.get(SEGMENTS, "a")).as("same key, other kind").isNull();
	}

	@Test
	void getReturnsItemWrittenByInit() {
		PersistentDataStore store = newStore();
		store.init(dataSet(Map.of(FEATURES, Map.of("a", item("a", 7)))));
		assertThat(resolve(FEATURES, store.get(FEATURES, "a"))).isEqualTo(expected("a", 7));
	}

	@Test
	void getAllReturnsEmptyForUnknownKind() {
		PersistentDataStore store = newStore();
		assertThat(store.getAll(FEATURES)).isNotNull();
		assertThat(store.getAll(FEATURES).items()).isEmpty();
		store.init(dataSet(Map.of(SEGMENTS, Map.of("s", item("s", 1)))));
		assertThat(store.getAll(FEATURES).items()).isEmpty();
	}

	@Test
	void getAllReturnsAllItemsOfKindWithTombstones() {
		PersistentDataStore store = newStore();
		store.init(dataSet(Map.of(FEATURES, Map.of("a", item("a", 1), "b", item("b", 2)), SEGMENTS,
				Map.of("a", item("a", 9)))));
		store.upsert(FEATURES, "b", tombstone(FEATURES, 3));
		KeyedItems<SerializedItemDescriptor> all = store.getAll(FEATURES);
		assertThat(all.items()).containsOnlyKeys("a", "b");
		assertThat(resolve(FEATURES, all.items().get("a"))).isEqualTo(expected("a", 1));
		assertThat(resolve(FEATURES, all.items().get("b"))).isEqualTo(Resolved.deleted(3));
		assertThat(keysAndVersions(SEGMENTS, store.getAll(SEGMENTS))).containsOnly(Map.entry("a", 9));
	}

	/**
	 * A store with {@link NonBlockingReads} that says they apply answers through them what its blocking reads
	 * answer; skipped for other stores.
	 * @throws Exception if a read fails or does not answer within 10 s
	 */
	@Test
	void nonBlockingReadsAnswerWhatBlockingReadsAnswer() throws Exception {
		PersistentDataStore store = newStore();
		assumeTrue(store instanceof NonBlockingReads reads && reads.isNonBlocking(),
				"the store has no non-blocking reads");
		NonBlockingReads reads = (NonBlockingReads) store;
		assertThat(reads.getAsync(FEATURES, "a").toCompletableFuture().get(10, TimeUnit.SECONDS)).isNull();
		assertThat(reads.getAllAsync(FEATURES).toCompletableFuture().get(10, TimeUnit.SECONDS).items()).isEmpty();
		store.init(dataSet(Map.of(FEATURES, Map.of("a", item("a", 1), "b", item("b", 2)), SEGMENTS,
				Map.of("a", item("a", 9)))));
		store.upsert(FEATURES, "b", tombstone(FEATURES, 3));
		for (String key : List.of("a", "b", "missing")) {
			assertThat(resolve(FEATURES, reads.getAsync(FEATURES, key).toCompletableFuture().get(10, TimeUnit.SECONDS)))
				.as(key)
				.isEqualTo(resolve(FEATURES, store.get(FEATURES, key)));
		}
		KeyedItems<SerializedItemDescriptor> all = reads.getAllAsync(FEATURES).toCompletableFuture()
			.get(10, TimeUnit.SECONDS);
		assertThat(all.items()).containsOnlyKeys("a", "b");
		assertThat(resolve(FEATURES, all.items().get("a"))).isEqualTo(expected("a", 1));
		assertThat(resolve(FEATURES, all.items().get("b"))).isEqualTo(Resolved.deleted(3));
		assertThat(keysAndVersions(SEGMENTS, reads.getAllAsync(SEGMENTS).toCompletableFuture()
			.get(10, TimeUnit.SECONDS))).containsOnly(Map.entry("a", 9));
	}

	@Test
	void keysWithSpecialCharactersAreKeptApartAndRoundTrip() {
		PersistentDataStore store = newStore();
		List<String> keys = List.of("with space", "colon:key", "quote'key", "double\"quote", "percent%_",
				"unicode-\u00e9\u4e2d\ud83d\ude80", "back\\slash", "semi;colon--", "Case", "case", "CASE",
				"trailing ", "trailing", "under_score", "star*");
		Map<String, SerializedItemDescriptor> items = new LinkedHashMap<>();
		keys.forEach((key) -> items.put(key, item(key, 2)));
		store.init(dataSet(Map.of(FEATURES, items)));
		for (String key : keys) {
			assertThat(resolve(FEATURES, store.get(FEATURES, key))).as(key).isEqualTo(expected(key, 2));
		}
		assertThat(store.getAll(FEATURES).items()).containsOnlyKeys(keys);
	}

	// ----------------------------------------------------------------- upsert and versions

	@Test
	void upsertAddsNewItem() {
		PersistentDataStore store = newStore();
		store.init(new FullDataSet<>(Map.of()));
		assertThat(store.upsert(FEATURES, "a", item("a", 1))).isTrue();
		assertThat(resolve(FEATURES, store.get(FEATURES, "a"))).isEqualTo(expected("a", 1));
	}

	@Test
	void upsertWithHigherVersionReplacesItem() {
		PersistentDataStore store = newStore();
		store.init(dataSet(Map.of(FEATURES, Map.of("a", item("a", 1)))));
		assertThat(store.upsert(FEATURES, "a", item("a", 2, "newer"))).isTrue();
		assertThat(resolve(FEATURES, store.get(FEATURES, "a"))).isEqualTo(expected("a", 2, "newer"));
	}

	@Test
	void upsertWithSameVersionIsRejected() {
		PersistentDataStore store = newStore();
		store.init(dataSet(Map.of(FEATURES, Map.of("a", item("a", 5)))));
		assertThat(store.upsert(FEATURES, "a", item("a", 5, "other"))).isFalse();
		assertThat(resolve(FEATURES, store.get(FEATURES, "a"))).isEqualTo(expected("a", 5));
	}

	@Test
	void upsertWithLowerVersionIsRejected() {
		PersistentDataStore store = newStore();
		store.init(dataSet(Map.of(FEATURES, Map.of("a", item("a", 5)))));
		assertThat(store.upsert(FEATURES, "a", item("a", 4, "older"))).isFalse();
		assertThat(resolve(FEATURES, store.get(FEATURES, "a"))).isEqualTo(expected("a", 5));
	}

	@Test
	void upsertOfOneKindLeavesOtherKindAlone() {
		PersistentDataStore store = newStore();
		store.init(dataSet(Map.of(FEATURES, Map.of("a", item("a", 1)), SEGMENTS, Map.of("a", item("a", 1)))));
		assertThat(store.upsert(SEGMENTS, "a", item("a", 2))).isTrue();
		assertThat(resolve(FEATURES, store.get(FEATURES, "a"))).isEqualTo(expected("a", 1));
		assertThat(resolve(SEGMENTS, store.get(SEGMENTS, "a"))).isEqualTo(expected("a", 2));
	}

	@Test
	void upsertByOneInstanceIsSeenByAnother() {
		PersistentDataStore first = newStore();
		PersistentDataStore second = newStore();
		first.init(new FullDataSet<>(Map.of()));
		assertThat(first.upsert(FEATURES, "a", item("a", 3))).isTrue();
		assertThat(resolve(FEATURES, second.get(FEATURES, "a"))).isEqualTo(expected("a", 3));
		assertThat(second.upsert(FEATURES, "a", item("a", 2))).isFalse();
	}

	@Test
	void upsertOfTombstoneDeletesItem() {
		PersistentDataStore store = newStore();
		store.init(dataSet(Map.of(FEATURES, Map.of("a", item("a", 1)))));
		assertThat(store.upsert(FEATURES, "a", tombstone(FEATURES, 2))).isTrue();
		assertThat(resolve(FEATURES, store.get(FEATURES, "a"))).isEqualTo(Resolved.deleted(2));
		assertThat(resolve(FEATURES, store.getAll(FEATURES).items().get("a"))).isEqualTo(Resolved.deleted(2));
	}

	@Test
	void upsertOfTombstoneWithoutSerializedItemDeletesItem() {
		PersistentDataStore store = newStore();
		store.init(dataSet(Map.of(FEATURES, Map.of("a", item("a", 1)))));
		assertThat(store.upsert(FEATURES, "a", new SerializedItemDescriptor(2, true, null))).isTrue();
		assertThat(resolve(FEATURES, store.get(FEATURES, "a"))).isEqualTo(Resolved.deleted(2));
	}

	@Test
	void tombstoneOfUnknownKeyIsKept() {
		PersistentDataStore store = newStore();
		store.init(new FullDataSet<>(Map.of()));
		assertThat(store.upsert(FEATURES, "never-seen", tombstone(FEATURES, 4))).isTrue();
		assertThat(resolve(FEATURES, store.get(FEATURES, "never-seen"))).isEqualTo(Resolved.deleted(4));
	}

	@Test
	void olderUpdateDoesNotResurrectDeletedItem() {
		PersistentDataStore store = newStore();
		store.init(dataSet(Map.of(FEATURES, Map.of("a", item("a", 1)))));
		store.upsert(FEATURES, "a", tombstone(FEATURES, 5));
		assertThat(store.upsert(FEATURES, "a", item("a", 4))).isFalse();
		assertThat(store.upsert(FEATURES, "a", item("a", 5))).isFalse();
		assertThat(resolve(FEATURES, store.get(FEATURES, "a"))).isEqualTo(Resolved.deleted(5));
	}

	@Test
	void newerUpdateReplacesTombstone() {
		PersistentDataStore store = newStore();
		store.init(dataSet(Map.of(FEATURES, Map.of("a", tombstone(FEATURES, 5)))));
		assertThat(store.upsert(FEATURES, "a", item("a", 6))).isTrue();
		assertThat(resolve(FEATURES, store.get(FEATURES, "a"))).isEqualTo(expected("a", 6));
	}

	@Test
	void olderTombstoneDoesNotDeleteNewerItem() {
		PersistentDataStore store = newStore();
		store.init(dataSet(Map.of(FEATURES, Map.of("a", item("a", 5)))));
		assertThat(store.upsert(FEATURES, "a", tombstone(FEATURES, 4))).isFalse();
		assertThat(resolve(FEATURES, store.get(FEATURES, "a"))).isEqualTo(expected("a", 5));
	}

	@Test
	void largeVersionsAreOrderedNumerically() {
		PersistentDataStore store = newStore();
		store.init(dataSet(Map.of(FEATURES, Map.of("a", item("a", 9)))));
		assertThat(store.upsert(FEATURES, "a", item("a", 10))).as("10 after 9, not as text").isTrue();
		assertThat(store.upsert(FEATURES, "a", item("a", Integer.MAX_VALUE))).isTrue();
		assertThat(store.upsert(FEATURES, "a", item("a", Integer.MAX_VALUE - 1))).isFalse();
		assertThat(resolve(FEATURES, store.get(FEATURES, "a"))).isEqualTo(expected("a", Integer.MAX_VALUE));
	}

	// ----------------------------------------------------------------- concurrency across instances

	@Test
	void concurrentUpsertsOfSameVersionFromSeveralInstancesHaveOneWinner() throws Exception {
		int writers = Math.max(2, concurrentWriters());
		int rounds = concurrentRounds();
		List<PersistentDataStore> instances = new ArrayList<>();
		for (int i = 0; i < writers; i++) {
			instances.add(newStore());
		}
		instances.get(0).init(new FullDataSet<>(Map.of()));
		CyclicBarrier barrier = new CyclicBarrier(writers);
		List<Callable<List<Integer>>> tasks = new ArrayList<>();
		for (int w = 0; w < writers; w++) {
			PersistentDataStore store = instances.get(w);
			String writer = "writer-" + w;
			tasks.add(() -> {
				List<Integer> won = new ArrayList<>();
				for (int version = 1; version <= rounds; version++) {
					barrier.await(30, TimeUnit.SECONDS);
					if (store.upsert(FEATURES, "contended", item("contended", version, writer))) {
						won.add(version);
					}
				}
				return won;
			});
		}
		List<List<Integer>> results = runAll(tasks);
		List<Integer> allWins = new ArrayList<>();
		results.forEach(allWins::addAll);
		Collections.sort(allWins);
		List<Integer> expectedWins = new ArrayList<>();
		for (int version = 1; version <= rounds; version++) {
			expectedWins.add(version);
		}
		assertThat(allWins).as("exactly one writer wins each version").isEqualTo(expectedWins);
		int lastWinner = -1;
		for (int w = 0; w < writers; w++) {
			if (results.get(w).contains(rounds)) {
				lastWinner = w;
			}
		}
		assertThat(resolve(FEATURES, instances.get(0).get(FEATURES, "contended")))
			.isEqualTo(expected("contended", rounds, "writer-" + lastWinner));
	}

	@Test
	void concurrentUpsertsInRandomOrderFromSeveralInstancesKeepHighestVersion() throws Exception {
		int writers = Math.max(2, concurrentWriters());
		int rounds = concurrentRounds();
		List<PersistentDataStore> instances = new ArrayList<>();
		for (int i = 0; i < writers; i++) {
			instances.add(newStore());
		}
		instances.get(0).init(new FullDataSet<>(Map.of()));
		CyclicBarrier start = new CyclicBarrier(writers);
		List<Callable<List<Integer>>> tasks = new ArrayList<>();
		for (int w = 0; w < writers; w++) {
			PersistentDataStore store = instances.get(w);
			Random random = new Random(w);
			tasks.add(() -> {
				List<Integer> versions = new ArrayList<>();
				for (int version = 1; version <= rounds; version++) {
					versions.add(version);
				}
				Collections.shuffle(versions, random);
				start.await(30, TimeUnit.SECONDS);
				List<Integer> written = new ArrayList<>();
				for (int version : versions) {
					for (String key : List.of("k1", "k2")) {
						if (store.upsert(FEATURES, key, item(key, version)) && key.equals("k1")) {
							written.add(version);
						}
					}
				}
				return written;
			});
		}
		List<List<Integer>> results = runAll(tasks);
		for (List<Integer> written : results) {
			assertThat(written).as("each writer's successful writes rise").isSorted();
		}
		assertThat(keysAndVersions(FEATURES, instances.get(1).getAll(FEATURES))).containsOnly(Map.entry("k1", rounds),
				Map.entry("k2", rounds));
	}

	@Test
	void concurrentInitAndUpsertsLeaveConsistentData() throws Exception {
		PersistentDataStore initializer = newStore();
		PersistentDataStore writer = newStore();
		initializer.init(new FullDataSet<>(Map.of()));
		int rounds = concurrentRounds();
		CyclicBarrier start = new CyclicBarrier(2);
		List<Callable<List<Integer>>> tasks = List.of(() -> {
			start.await(30, TimeUnit.SECONDS);
			for (int i = 0; i < rounds; i++) {
				Map<String, SerializedItemDescriptor> items = new LinkedHashMap<>();
				for (int k = 0; k < 10; k++) {
					items.put("init-" + k, item("init-" + k, i + 1));
				}
				initializer.init(dataSet(Map.of(FEATURES, items)));
			}
			return List.of();
		}, () -> {
			start.await(30, TimeUnit.SECONDS);
			for (int i = 0; i < rounds; i++) {
				writer.upsert(FEATURES, "upserted", item("upserted", i + 1));
			}
			return List.of();
		});
		runAll(tasks);
		Map<String, Integer> versions = keysAndVersions(FEATURES, writer.getAll(FEATURES));
		versions.remove("upserted");
		assertThat(versions).as("the last init is complete, never mixed with an earlier one")
			.hasSize(10)
			.allSatisfy((key, version) -> assertThat(version).isEqualTo(rounds));
		assertThat(writer.isInitialized()).isTrue();
	}

	// ----------------------------------------------------------------- availability and close

	@Test
	void storeIsAvailableWhenDatabaseAnswers() {
		assertThat(newStore().isStoreAvailable()).isTrue();
	}

	@Test
	void closeIsIdempotent() {
		PersistentDataStore store = createStore();
		store.close();
		assertThatCode(store::close).doesNotThrowAnyException();
	}

	@Test
	void isStoreAvailableDoesNotThrowAfterClose() {
		PersistentDataStore store = createStore();
		store.close();
		assertThatCode(store::isStoreAvailable).doesNotThrowAnyException();
	}

	@Test
	void closingOneInstanceLeavesDataAndOtherInstancesWorking() {
		PersistentDataStore first = createStore();
		PersistentDataStore second = newStore();
		first.init(dataSet(Map.of(FEATURES, Map.of("a", item("a", 1)))));
		first.close();
		assertThat(second.isStoreAvailable()).isTrue();
		assertThat(second.isInitialized()).isTrue();
		assertThat(resolve(FEATURES, second.get(FEATURES, "a"))).isEqualTo(expected("a", 1));
		assertThat(second.upsert(FEATURES, "a", item("a", 2))).isTrue();
		PersistentDataStore third = newStore();
		assertThat(resolve(FEATURES, third.get(FEATURES, "a"))).isEqualTo(expected("a", 2));
	}

	// ----------------------------------------------------------------- malformed data (optional)

	@Test
	void malformedItemIsReportedForThatItemOnlyAndStoreStaysAvailable() throws Exception {
		PersistentDataStore store = newStore();
		store.init(dataSet(Map.of(FEATURES, Map.of("good", item("good", 1)))));
		assumeTrue(writeRawItem(FEATURES, "bad", 3, "{\"version\":3, not json"),
				"writeRawItem is not implemented for this store");
		try (PersistentDataStoreWrapper wrapper = PersistentDataStoreWrapper.builder(newStore())
			.cacheMode(CacheMode.NONE)
			.heartbeatInterval(Duration.ZERO)
			.build()) {
			assertThatExceptionOfType(MalformedItemException.class).isThrownBy(() -> wrapper.get(FEATURES, "bad"))
				.satisfies((ex) -> assertThat(ex.getKey()).isEqualTo("bad"))
				.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo("features"));
			ItemDescriptor good = wrapper.get(FEATURES, "good");
			assertThat(good).isNotNull();
			assertThat(good.version()).isEqualTo(1);
			assertThatExceptionOfType(MalformedItemException.class).isThrownBy(() -> wrapper.getAll(FEATURES))
				.satisfies((ex) -> assertThat(ex.getKey()).isEqualTo("bad"));
			assertThat(store.getAll(FEATURES).items()).as("the store itself answers getAll").containsKeys("good", "bad");
			DataStoreStatus status = wrapper.getStatusProvider().getStatus();
			assertThat(status.isAvailable()).as("a malformed item does not take the store down").isTrue();
			assertThat(store.isStoreAvailable()).isTrue();
		}
	}

	@Test
	void malformedItemCanBeReplacedByUpsert() throws Exception {
		PersistentDataStore store = newStore();
		store.init(new FullDataSet<>(Map.of()));
		assumeTrue(writeRawItem(FEATURES, "bad", 3, "not json at all"), "writeRawItem is not implemented");
		assertThat(store.upsert(FEATURES, "bad", item("bad", 4))).isTrue();
		assertThat(resolve(FEATURES, store.get(FEATURES, "bad"))).isEqualTo(expected("bad", 4));
	}

	// ----------------------------------------------------------------- helpers

	/**
	 * A live item of {@link #FEATURES} or {@link #SEGMENTS}: {@code {"key":key,"version":version,"value":"v"+version}}.
	 * @param key the key
	 * @param version the version
	 * @return the serialized descriptor the wrapper would send
	 */
	protected static SerializedItemDescriptor item(String key, int version) {
		return item(key, version, "v" + version);
	}

	/**
	 * A live item with a given value.
	 * @param key the key
	 * @param version the version
	 * @param value the item's {@code value} field
	 * @return the serialized descriptor the wrapper would send
	 */
	protected static SerializedItemDescriptor item(String key, int version, String value) {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("key", key);
		fields.put("value", value);
		return new SerializedItemDescriptor(version, false,
				FEATURES.serialize(new ItemDescriptor(version, fields)));
	}

	/**
	 * A tombstone as the wrapper sends it: with the kind's placeholder string.
	 * @param kind the kind
	 * @param version the version of the deletion
	 * @return the serialized tombstone
	 */
	protected static SerializedItemDescriptor tombstone(DataKind kind, int version) {
		return new SerializedItemDescriptor(version, true, kind.serialize(ItemDescriptor.deleted(version)));
	}

	/**
	 * Builds a data set in the given kind order.
	 * @param data items by kind
	 * @return the data set
	 */
	protected static FullDataSet<SerializedItemDescriptor> dataSet(
			Map<DataKind, Map<String, SerializedItemDescriptor>> data) {
		Map<DataKind, KeyedItems<SerializedItemDescriptor>> sets = new LinkedHashMap<>();
		data.forEach((kind, items) -> sets.put(kind, new KeyedItems<>(items)));
		return new FullDataSet<>(sets);
	}

	/**
	 * Decodes what a store answered the way the wrapper does, so stores that keep only the string and stores
	 * that keep version and deletion compare alike.
	 * @param kind the kind
	 * @param stored the store's answer, or {@code null}
	 * @return the meaning of the answer, or {@code null} for {@code null}
	 */
	protected static @Nullable Resolved resolve(DataKind kind, @Nullable SerializedItemDescriptor stored) {
		if (stored == null) {
			return null;
		}
		if (stored.deleted()) {
			return Resolved.deleted(stored.version());
		}
		String text = stored.serializedItem();
		assertThat(text).as("serializedItem of a live item").isNotNull();
		ItemDescriptor decoded = kind.deserialize(text);
		int version = (stored.version() != 0) ? stored.version() : decoded.version();
		return decoded.isDeleted() ? Resolved.deleted(version) : new Resolved(version, false, decoded.item());
	}

	private static Resolved expected(String key, int version) {
		return expected(key, version, "v" + version);
	}

	private static Resolved expected(String key, int version, String value) {
		return resolve(FEATURES, item(key, version, value));
	}

	private static Map<String, Integer> keysAndVersions(DataKind kind, KeyedItems<SerializedItemDescriptor> all) {
		Map<String, Integer> versions = new LinkedHashMap<>();
		all.items().forEach((key, stored) -> versions.put(key, resolve(kind, stored).version()));
		return versions;
	}

	private static <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(tasks.size());
		try {
			List<Future<T>> futures = new ArrayList<>();
			for (Callable<T> task : tasks) {
				futures.add(executor.submit(task));
			}
			List<T> results = new ArrayList<>();
			for (Future<T> future : futures) {
				results.add(future.get(90, TimeUnit.SECONDS));
			}
			return results;
		}
		finally {
			executor.shutdownNow();
		}
	}

	/**
	 * The meaning of a stored item: version, deletion and the decoded item.
	 *
	 * @param version the version
	 * @param deleted whether it is a tombstone
	 * @param item the decoded item, {@code null} for a tombstone
	 */
	protected record Resolved(int version, boolean deleted, @Nullable Object item) {

		static Resolved deleted(int version) {
			return new Resolved(version, true, null);
		}

	}

}
