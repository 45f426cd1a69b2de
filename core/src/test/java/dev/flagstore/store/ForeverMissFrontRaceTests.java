package dev.flagstore.store;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static dev.flagstore.store.TestData.FEATURES;
import static dev.flagstore.store.TestData.dataSet;
import static dev.flagstore.store.TestData.flag;
import static org.assertj.core.api.Assertions.assertThat;

/** Review of ecf5450: the FOREVER miss front ({@code ForeverCache.Misses}). */
class ForeverMissFrontRaceTests {

	/** A test store whose get of one key can be held on a latch (the reread after a rejected upsert). */
	static final class GatedStore extends TestPersistentStore {

		volatile @Nullable String gatedKey;

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@Override
		public @Nullable SerializedItemDescriptor get(DataKind kind, String key) {
			if (key.equals(this.gatedKey)) {
				this.entered.countDown();
				try {
					this.release.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return super.get(kind, key);
		}

	}

	private PersistentDataStoreWrapper wrapper;

	@AfterEach
	void close() {
		if (this.wrapper != null) {
			this.wrapper.close();
		}
	}

	private static SerializedItemDescriptor stored(String key, int version) {
		return new SerializedItemDescriptor(version, false, FEATURES.serialize(flag(key, version)));
	}

	/**
	 * docs/status.md: "After an upsert the store rejected as older, the cache takes the store's newer item: one read
	 * of the store, which the writer does not wait for and later readers share." Before ecf5450 a later reader of the
	 * key waited for that reread (the item cache's Refreshing future) and got the store's item; now the front answers
	 * the old cached miss while the reread is in flight, so the writer, told that the store holds a newer version,
	 * reads "absent".
	 */
	@Test
	void aReadAfterARejectedUpsertOfACachedMissShouldShareTheRereadNotAnswerTheOldMiss() throws Exception {
		GatedStore core = new GatedStore();
		this.wrapper = PersistentDataStoreWrapper.builder(core)
			.cacheMode(CacheMode.FOREVER)
			.operationTimeout(Duration.ofSeconds(5))
			.heartbeatInterval(Duration.ZERO)
			.build();
		this.wrapper.init(dataSet(flag("a", 1)));
		assertThat(this.wrapper.get(FEATURES, "x")).isNull();
		// Another instance writes x at version 5; this one's version 3 is rejected as older.
		core.put(FEATURES, "x", stored("x", 5));
		core.gatedKey = "x";
		assertThat(this.wrapper.upsert(FEATURES, "x", flag("x", 3))).isFalse();
		assertThat(core.entered.await(5, TimeUnit.SECONDS)).as("the reread started").isTrue();
		Thread releaser = new Thread(() -> {
			try {
				Thread.sleep(300);
			}
			catch (InterruptedException ex) {
				return;
			}
			core.release.countDown();
		});
		releaser.start();
		try {
			assertThat(this.wrapper.get(FEATURES, "x")).as("read after the rejected upsert").isEqualTo(flag("x", 5));
		}
		finally {
			core.release.countDown();
			releaser.join();
		}
	}

	/**
	 * {@code replace()} resets {@code misses} without the monitor that {@code rememberMiss} holds for its
	 * copy-on-write: an init landing between a reader's {@code new HashMap<>(this.misses)} and its
	 * {@code this.misses = Map.copyOf(copy)} is undone, and every other kind's pre-init misses come back. The
	 * reader's own key is removed by its second generation check; the other kinds' are not. Then a key another
	 * instance wrote after the init is answered absent until the old miss expires.
	 *
	 * <p>Not deterministic (the window is one HashMap copy); many kinds widen it: the reader spends most of its time
	 * copying. Rounds stop at the first resurrection.
	 */
	@RepeatedTest(2)
	void anInitShouldDropEveryKindsMissesEvenWhenAReaderAddsAKindMeanwhile() throws Exception {
		FakeTicker ticker = new FakeTicker();
		TestPersistentStore core = new TestPersistentStore();
		// Zero timeout: store calls run on the caller's thread (fast rounds, no pool).
		StoreCalls calls = new StoreCalls(Duration.ZERO, 64, Runnable::run, new ManualScheduler(ticker), ticker,
				(error, start) -> {
				});
		ForeverCache cache = new ForeverCache(new StoreAccess(core, calls), Duration.ofSeconds(15), ticker);
		int kinds = 400;
		DataKind probe = DataKind.json("probe", TestData.Flag.class);
		DataKind[] readerKinds = new DataKind[kinds];
		Map<DataKind, KeyedItems<ItemDescriptor>> data = new LinkedHashMap<>();
		data.put(probe, KeyedItems.empty());
		for (int i = 0; i < kinds; i++) {
			readerKinds[i] = DataKind.json("kind-" + i, TestData.Flag.class);
			data.put(readerKinds[i], KeyedItems.empty());
		}
		FullDataSet<ItemDescriptor> dataSet = new FullDataSet<>(data);
		int resurrected = 0;
		int rounds = 0;
		for (; rounds < 40 && resurrected == 0; rounds++) {
			cache.replace(dataSet);
			String probeKey = "p" + rounds;
			assertThat(cache.get(probe, probeKey)).isNull();
			AtomicInteger done = new AtomicInteger();
			AtomicBoolean stop = new AtomicBoolean();
			Thread reader = new Thread(() -> {
				for (int i = 0; i < kinds && !stop.get(); i++) {
					cache.get(readerKinds[i], "x");
					done.incrementAndGet();
				}
			});
			reader.start();
			while (done.get() < kinds / 2 && reader.isAlive()) {
				Thread.onSpinWait();
			}
			// An init while the reader keeps creating kinds' fronts (each a copy of all the others).
			cache.replace(dataSet);
			reader.join();
			// Another instance writes the probe key after the init: nothing this instance cached before the init may
			// hide it.
			core.put(probe, probeKey, new SerializedItemDescriptor(1, false, probe.serialize(flag(probeKey, 1))));
			if (cache.get(probe, probeKey) == null) {
				resurrected++;
			}
		}
		assertThat(resurrected).as("rounds (of %d) where a pre-init miss answered after the init", rounds).isZero();
	}

	/**
	 * Low: the front is swept only by a put that finds it doubled, so after a burst of distinct misses it keeps
	 * every expired entry for as long as no new misses come (the item cache's expired misses go at its next
	 * maintenance). Bounded (about twice the peak of live misses per kind) but never shrinks on its own.
	 */
	@Test
	void expiredMissesShouldNotBeKeptForeverOnceMissesStop() throws Exception {
		FakeTicker ticker = new FakeTicker();
		TestPersistentStore core = new TestPersistentStore();
		this.wrapper = PersistentDataStoreWrapper.builder(core)
			.cacheMode(CacheMode.FOREVER)
			.cacheTtl(Duration.ofSeconds(15))
			.heartbeatInterval(Duration.ZERO)
			.ticker(ticker)
			.build();
		this.wrapper.init(dataSet(flag("a", 1)));
		for (int i = 0; i < 2_000; i++) {
			assertThat(this.wrapper.get(FEATURES, "missing-" + i)).isNull();
		}
		ticker.advance(Duration.ofMinutes(10));
		for (int i = 0; i < 1_000; i++) {
			assertThat(this.wrapper.get(FEATURES, "a")).isNotNull();
		}
		this.wrapper.getCaches().get("items").cleanUp();
		java.lang.reflect.Field field = PersistentDataStoreWrapper.class.getDeclaredField("cache");
		field.setAccessible(true);
		ForeverCache cache = (ForeverCache) field.get(this.wrapper);
		assertThat(this.wrapper.getCaches().get("items").estimatedSize()).as("item cache after cleanUp")
			.isLessThanOrEqualTo(1);
		assertThat(cache.cachedMisses()).as("front entries, all expired for 10 minutes").isLessThanOrEqualTo(64);
	}

}
