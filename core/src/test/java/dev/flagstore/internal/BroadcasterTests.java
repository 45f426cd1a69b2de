package dev.flagstore.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class BroadcasterTests {

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final Broadcaster<Consumer<Integer>, Integer> broadcaster = new Broadcaster<>("test", Consumer::accept,
			this.executor);

	@AfterEach
	void shutdown() {
		this.broadcaster.close();
		this.executor.shutdownNow();
	}

	/** Defect 6: a listener that restores its thread's interrupt flag was silently never called again. */
	@Test
	void listenerThatLeavesItsInterruptFlagSetShouldKeepBeingCalled() {
		List<Integer> received = new CopyOnWriteArrayList<>();
		this.broadcaster.add(event -> {
			received.add(event);
			Thread.currentThread().interrupt();
		});
		this.broadcaster.publish(1);
		await().until(() -> received.size() == 1);
		this.broadcaster.publish(2);
		this.broadcaster.publish(3);
		await().untilAsserted(() -> assertThat(received).containsExactly(1, 2, 3));
	}

	@Test
	void slowOrThrowingListenerShouldHoldBackNoOther() throws Exception {
		CountDownLatch slowRelease = new CountDownLatch(1);
		List<Integer> fast = new CopyOnWriteArrayList<>();
		this.broadcaster.add(event -> {
			try {
				slowRelease.await(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		this.broadcaster.add(event -> {
			throw new IllegalStateException("listener bug");
		});
		this.broadcaster.add(fast::add);
		IntStream.range(0, 5).forEach(this.broadcaster::publish);
		await().untilAsserted(() -> assertThat(fast).containsExactly(0, 1, 2, 3, 4));
		slowRelease.countDown();
	}

	/** Many publishers: every listener sees one and the same order, and nothing is stranded in a queue. */
	@RepeatedTest(20)
	void everyListenerShouldSeeEveryEventInOneOrder() throws Exception {
		List<Integer> first = new CopyOnWriteArrayList<>();
		List<Integer> second = new CopyOnWriteArrayList<>();
		this.broadcaster.add(first::add);
		this.broadcaster.add(second::add);
		Object order = new Object();
		ExecutorService publishers = Executors.newFixedThreadPool(4);
		int[] next = new int[1];
		for (int i = 0; i < 400; i++) {
			publishers.execute(() -> {
				// The order is decided under a lock (as a state machine does), delivery is handed over outside it.
				synchronized (order) {
					this.broadcaster.enqueue(next[0]++);
				}
				this.broadcaster.flush();
			});
		}
		publishers.shutdown();
		assertThat(publishers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> first.size() == 400 && second.size() == 400);
		assertThat(first).isSorted().isEqualTo(second);
	}

	@Test
	void nothingShouldBeDeliveredAfterClose() {
		List<Integer> received = new CopyOnWriteArrayList<>();
		this.broadcaster.add(received::add);
		this.broadcaster.close();
		this.broadcaster.publish(1);
		await().during(Duration.ofMillis(100)).until(received::isEmpty);
	}

}
