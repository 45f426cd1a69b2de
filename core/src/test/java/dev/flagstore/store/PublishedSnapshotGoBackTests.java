package dev.flagstore.store;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.RepeatedTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review of ecf5450: {@code ForeverCache.get/getAll} read {@code peekPublished(kind)} and, when it answers nothing,
 * fall back to {@code peekIfCurrent(kind)} (Caffeine, read outside the publication monitor). A publication that
 * read the map before a newer change can then be written after a reader saw that newer change through the
 * fallback: the reader's next read (from the publication) goes back to the older value.
 *
 * <p>The race is held open deterministically with a key whose {@code hashCode} blocks the chosen thread while it is
 * inside {@code StampedCache.changed()} (called by {@code values.put(key, future.join())}, i.e. after the mapping
 * was read and before {@code published} is written).
 */
class PublishedSnapshotGoBackTests {

	/** A key that parks an armed thread inside StampedCache.changed(), once, after it read the mapping. */
	static final class GateKey {

		private final String name;

		volatile @Nullable Thread armed;

		volatile CountDownLatch reached = new CountDownLatch(1);

		volatile CountDownLatch release = new CountDownLatch(1);

		GateKey(String name) {
			this.name = name;
		}

		void arm(Thread thread) {
			this.reached = new CountDownLatch(1);
			this.release = new CountDownLatch(1);
			this.armed = thread;
		}

		@Override
		public int hashCode() {
			if (Thread.currentThread() == this.armed && insideChanged()) {
				this.armed = null;
				this.reached.countDown();
				try {
					this.release.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return this.name.hashCode();
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof GateKey key && key.name.equals(this.name);
		}

		private static boolean insideChanged() {
			return StackWalker.getInstance()
				.walk(frames -> frames.anyMatch(frame -> frame.getClassName().equals(StampedCache.class.getName())
						&& frame.getMethodName().equals("changed")));
		}

	}

	/**
	 * What ForeverCache.get()/getAll() do to find the kind's snapshot: on main, published first, else Caffeine; with
	 * the review's patch, {@code peekPublishedOrCurrent} (found by reflection so that this one file runs against
	 * both).
	 */
	@SuppressWarnings("unchecked")
	private static @Nullable Integer read(StampedCache<GateKey, Integer> cache, GateKey key) {
		Stamped<Integer> snapshot;
		java.lang.reflect.Method patched = null;
		try {
			patched = StampedCache.class.getDeclaredMethod("peekPublishedOrCurrent", Object.class);
		}
		catch (NoSuchMethodException ex) {
			// main
		}
		if (patched != null) {
			try {
				patched.setAccessible(true);
				snapshot = (Stamped<Integer>) patched.invoke(cache, key);
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException(ex);
			}
		}
		else {
			snapshot = cache.peekPublished(key);
			if (snapshot == null) {
				snapshot = cache.peekIfCurrent(key);
			}
		}
		return (snapshot != null) ? snapshot.value : null;
	}

	@RepeatedTest(3)
	void aReaderShouldNeverGoBackToAnOlderPublishedValue() throws Exception {
		CacheGeneration generation = new CacheGeneration();
		StampedCache<GateKey, Integer> cache = StampedCache.buildPublished(generation, new FakeTicker());
		GateKey key = new GateKey("features");
		long stamp = generation.current();
		ExecutorService threads = Executors.newFixedThreadPool(3);
		try {
			// L: puts version 0; its changed() reads the mapping (0) and is parked before publishing it.
			CountDownLatch lArmed = new CountDownLatch(1);
			Future<?> l = threads.submit(() -> {
				key.arm(Thread.currentThread());
				lArmed.countDown();
				cache.merge(key, 0, Math::max, false, false, stamp);
				return null;
			});
			lArmed.await();
			CountDownLatch lReached = key.reached;
			CountDownLatch lRelease = key.release;
			assertThat(lReached.await(10, TimeUnit.SECONDS)).isTrue();

			// W: merges version 1 into the map; its changed() waits for L's monitor, then reads 1 and is parked.
			CountDownLatch wArmed = new CountDownLatch(1);
			Future<?> w = threads.submit(() -> {
				key.arm(Thread.currentThread());
				wArmed.countDown();
				cache.merge(key, 1, Math::max, false, false, stamp);
				return null;
			});
			wArmed.await();
			CountDownLatch wReached = key.reached;
			CountDownLatch wRelease = key.release;
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (cache.peekIfCurrent(key) == null || cache.peekIfCurrent(key).value != 1) {
				assertThat(System.nanoTime()).as("W's compute ran").isLessThan(deadline);
				Thread.onSpinWait();
			}

			// R: reads twice; the second read after L published what it had read (0).
			Integer[] reads = new Integer[2];
			CountDownLatch firstDone = new CountDownLatch(1);
			CountDownLatch goSecond = new CountDownLatch(1);
			CountDownLatch secondDone = new CountDownLatch(1);
			Thread[] reader = new Thread[1];
			Future<?> r = threads.submit(() -> {
				reader[0] = Thread.currentThread();
				reads[0] = read(cache, key);
				firstDone.countDown();
				goSecond.await();
				reads[1] = read(cache, key);
				secondDone.countDown();
				return null;
			});
			// Until R has read once, or waits for the monitor (a fix that publishes before answering).
			while (firstDone.getCount() > 0 && (reader[0] == null || reader[0].getState() != Thread.State.BLOCKED)) {
				assertThat(System.nanoTime()).as("R read or blocked").isLessThan(deadline);
				Thread.onSpinWait();
			}
			lRelease.countDown();
			l.get(10, TimeUnit.SECONDS);
			// W (or R first, then W) took the monitor: W is parked in its changed() having read 1, not published yet.
			assertThat(wReached.await(10, TimeUnit.SECONDS)).isTrue();
			goSecond.countDown();
			secondDone.await(500, TimeUnit.MILLISECONDS);
			wRelease.countDown();
			w.get(10, TimeUnit.SECONDS);
			r.get(10, TimeUnit.SECONDS);
			assertThat(reads[0]).as("R's first read").isEqualTo(1);
			assertThat(reads[1]).as("R's second read (it saw 1 before)").isGreaterThanOrEqualTo(reads[0]);
		}
		finally {
			threads.shutdownNow();
		}
	}

}
