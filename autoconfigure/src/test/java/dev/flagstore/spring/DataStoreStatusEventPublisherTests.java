package dev.flagstore.spring;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusListener;
import dev.flagstore.test.ManualStatusProvider;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.StandardEvaluationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link DataStoreStatusEventPublisher}.
 */
class DataStoreStatusEventPublisherTests {

	private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

	private static final DataStoreStatus UP = DataStoreStatus.available(T0);

	private static final DataStoreStatus DOWN = new DataStoreStatus(false, false, T0.plusSeconds(1), "boom");

	private static final DataStoreStatus UP_STALE = new DataStoreStatus(true, true, T0.plusSeconds(2), "boom");

	/** Generous for a call that only takes a lock held for a few instructions; short next to a blocked listener. */
	private static final Duration PROMPTLY = Duration.ofSeconds(2);

	private final ManualStatusProvider provider = new ManualStatusProvider(DataStoreStatus.available(T0));

	private final List<DataStoreStatusChangedEvent> events = new ArrayList<>();

	private final ApplicationEventPublisher eventPublisher = (event) -> this.events
		.add((DataStoreStatusChangedEvent) event);

	@Test
	void shouldPublishEveryChangeWithPreviousStatusWhileRunning() {
		DataStoreStatusEventPublisher publisher = new DataStoreStatusEventPublisher(this.provider, this.eventPublisher);
		publisher.start();
		DataStoreStatus down = new DataStoreStatus(false, false, T0.plusSeconds(1), "boom");
		DataStoreStatus upStale = new DataStoreStatus(true, true, T0.plusSeconds(2), "boom");
		this.provider.set(down);
		this.provider.set(upStale);
		assertThat(this.events).hasSize(2);
		assertThat(this.events.get(0).getStatus()).isEqualTo(down);
		assertThat(this.events.get(0).getPreviousStatus()).isEqualTo(DataStoreStatus.available(T0));
		assertThat(this.events.get(0).getSource()).isSameAs(this.provider);
		assertThat(this.events.get(1).getStatus()).isEqualTo(upStale);
		assertThat(this.events.get(1).getPreviousStatus()).isEqualTo(down);
	}

	@Test
	void shouldNotPublishWhenOnlySinceOrErrorChanged() {
		DataStoreStatusEventPublisher publisher = new DataStoreStatusEventPublisher(this.provider, this.eventPublisher);
		publisher.start();
		this.provider.set(new DataStoreStatus(true, false, T0.plusSeconds(5), "old"));
		assertThat(this.events).isEmpty();
	}

	@Test
	void shouldPublishChangesBeforeStartAsOneEventAtStart() {
		DataStoreStatusEventPublisher publisher = new DataStoreStatusEventPublisher(this.provider, this.eventPublisher);
		DataStoreStatus down = new DataStoreStatus(false, false, T0.plusSeconds(1), "boom");
		this.provider.set(down);
		assertThat(this.events).isEmpty();
		publisher.start();
		assertThat(this.events).singleElement().satisfies((event) -> {
			assertThat(event.getStatus()).isEqualTo(down);
			assertThat(event.getPreviousStatus()).isEqualTo(DataStoreStatus.available(T0));
		});
	}

	@Test
	void shouldPublishNothingAtStartWhenOutageEndedBeforeStart() {
		DataStoreStatusEventPublisher publisher = new DataStoreStatusEventPublisher(this.provider, this.eventPublisher);
		this.provider.set(new DataStoreStatus(false, false, T0.plusSeconds(1), "boom"));
		this.provider.set(new DataStoreStatus(true, false, T0.plusSeconds(2), "boom"));
		publisher.start();
		assertThat(this.events).isEmpty();
	}

	@Test
	void shouldStopPublishingAndUnsubscribeOnDestroy() {
		DataStoreStatusEventPublisher publisher = new DataStoreStatusEventPublisher(this.provider, this.eventPublisher);
		publisher.start();
		assertThat(publisher.isRunning()).isTrue();
		publisher.destroy();
		assertThat(publisher.isRunning()).isFalse();
		assertThat(this.provider.listenerCount()).isZero();
		this.provider.set(new DataStoreStatus(false, false, T0.plusSeconds(1), "boom"));
		assertThat(this.events).isEmpty();
	}

	@Test
	void changeBetweenTheFirstReadAndTheSubscriptionShouldBePublishedAtStart() {
		// The change happens before the publisher is subscribed, so no listener hears of it.
		ManualStatusProvider provider = new ManualStatusProvider(UP) {

			@Override
			public void addStatusListener(DataStoreStatusListener listener) {
				set(DOWN);
				super.addStatusListener(listener);
			}

		};
		DataStoreStatusEventPublisher publisher = new DataStoreStatusEventPublisher(provider, this.eventPublisher);
		publisher.start();
		assertThat(this.events).singleElement().satisfies((event) -> {
			assertThat(event.getPreviousStatus()).isEqualTo(UP);
			assertThat(event.getStatus()).isEqualTo(DOWN);
		});
	}

	@Test
	void changeNotifiedBeforeTheSecondReadShouldBePublishedOnce() {
		ManualStatusProvider provider = new ManualStatusProvider(UP) {

			@Override
			public void addStatusListener(DataStoreStatusListener listener) {
				super.addStatusListener(listener);
				set(DOWN);
			}

		};
		DataStoreStatusEventPublisher publisher = new DataStoreStatusEventPublisher(provider, this.eventPublisher);
		publisher.start();
		assertThat(this.events).singleElement().satisfies((event) -> assertThat(event.getStatus()).isEqualTo(DOWN));
	}

	@Test
	void notificationsOlderThanTheSecondReadShouldNotBePublishedAgain() {
		// Two changes right after the subscription; their notifications arrive only after the publisher read the
		// second one and started.
		List<DataStoreStatusListener> subscribed = new ArrayList<>();
		ManualStatusProvider provider = new ManualStatusProvider(UP) {

			@Override
			public void addStatusListener(DataStoreStatusListener listener) {
				subscribed.add(listener);
				setSilently(DOWN);
				setSilently(UP_STALE);
			}

		};
		DataStoreStatusEventPublisher publisher = new DataStoreStatusEventPublisher(provider, this.eventPublisher);
		publisher.start();
		subscribed.get(0).dataStoreStatusChanged(DOWN);
		subscribed.get(0).dataStoreStatusChanged(UP_STALE);
		assertThat(this.events).singleElement().satisfies((event) -> {
			assertThat(event.getPreviousStatus()).isEqualTo(UP);
			assertThat(event.getStatus()).isEqualTo(UP_STALE);
		});
	}

	@Test
	void slowListenerShouldNotBlockStopAndNothingShouldBePublishedAfterIt() throws Exception {
		BlockingEventPublisher blocking = new BlockingEventPublisher();
		DataStoreStatusEventPublisher publisher = new DataStoreStatusEventPublisher(this.provider, blocking);
		publisher.start();
		Thread notifier = new Thread(() -> this.provider.set(DOWN), "status-listener");
		notifier.start();
		blocking.awaitEntered();
		CompletableFuture.runAsync(publisher::stop).get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(publisher.isRunning()).isFalse();
		CompletableFuture.runAsync(() -> this.provider.set(UP_STALE)).get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
		blocking.release();
		notifier.join(PROMPTLY.toMillis());
		assertThat(notifier.isAlive()).isFalse();
		assertThat(blocking.events).singleElement().satisfies((event) -> assertThat(event.getStatus()).isEqualTo(DOWN));
	}

	@Test
	void changesDuringASlowListenerShouldFollowInOrderWithoutWaiting() throws Exception {
		BlockingEventPublisher blocking = new BlockingEventPublisher();
		DataStoreStatusEventPublisher publisher = new DataStoreStatusEventPublisher(this.provider, blocking);
		publisher.start();
		Thread notifier = new Thread(() -> this.provider.set(DOWN), "status-listener");
		notifier.start();
		blocking.awaitEntered();
		// The second change finds the first still being published: it is left to that thread, and returns at once.
		CompletableFuture.runAsync(() -> this.provider.set(UP_STALE)).get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
		blocking.release();
		await().atMost(PROMPTLY).until(() -> blocking.events.size() == 2);
		notifier.join(PROMPTLY.toMillis());
		assertThat(blocking.events).extracting(DataStoreStatusChangedEvent::getStatus).containsExactly(DOWN, UP_STALE);
		assertThat(blocking.events.get(1).getPreviousStatus()).isEqualTo(DOWN);
		assertThat(blocking.threads).containsOnly("status-listener");
	}

	/** An outage that starts and ends while a slow listener handles an earlier event is still published. */
	@Test
	void outageWithinASlowListenerShouldStillBePublished() throws Exception {
		BlockingEventPublisher blocking = new BlockingEventPublisher();
		DataStoreStatusEventPublisher publisher = new DataStoreStatusEventPublisher(this.provider, blocking);
		publisher.start();
		Thread notifier = new Thread(() -> this.provider.set(UP_STALE), "status-listener");
		notifier.start();
		blocking.awaitEntered();
		DataStoreStatus downAgain = new DataStoreStatus(false, false, T0.plusSeconds(3), "boom");
		DataStoreStatus upAgain = new DataStoreStatus(true, false, T0.plusSeconds(4), "boom");
		CompletableFuture.runAsync(() -> this.provider.set(downAgain)).get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
		CompletableFuture.runAsync(() -> this.provider.set(upAgain)).get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
		blocking.release();
		await().atMost(PROMPTLY).until(() -> blocking.events.size() == 3);
		notifier.join(PROMPTLY.toMillis());
		assertThat(blocking.events).extracting(DataStoreStatusChangedEvent::getStatus)
			.containsExactly(UP_STALE, downAgain, upAgain);
	}

	@Test
	void throwingListenerShouldNotStopLaterEvents() {
		List<DataStoreStatusChangedEvent> received = new ArrayList<>();
		DataStoreStatusEventPublisher publisher = new DataStoreStatusEventPublisher(this.provider, (event) -> {
			received.add((DataStoreStatusChangedEvent) event);
			if (received.size() == 1) {
				throw new IllegalStateException("listener failed (test)");
			}
		});
		publisher.start();
		assertThatIllegalStateException().isThrownBy(() -> this.provider.set(DOWN));
		this.provider.set(UP_STALE);
		assertThat(received).extracting(DataStoreStatusChangedEvent::getStatus).containsExactly(DOWN, UP_STALE);
	}

	@Test
	void eventShouldWorkInSpelConditions() {
		DataStoreStatusChangedEvent event = new DataStoreStatusChangedEvent(this.provider,
				new DataStoreStatus(false, false, T0, "boom"), DataStoreStatus.available(T0));
		StandardEvaluationContext context = new StandardEvaluationContext();
		context.setVariable("event", event);
		Boolean outage = new SpelExpressionParser()
			.parseExpression("!#event.status.available")
			.getValue(context, Boolean.class);
		assertThat(outage).isTrue();
		assertThat(event.toString()).contains("available=false");
	}

	/**
	 * An event publisher whose listener blocks on the first event until released, recording every event and the
	 * thread it was published on.
	 */
	private static final class BlockingEventPublisher implements ApplicationEventPublisher {

		final List<DataStoreStatusChangedEvent> events = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

		private final CountDownLatch entered = new CountDownLatch(1);

		private final CountDownLatch released = new CountDownLatch(1);

		@Override
		public void publishEvent(Object event) {
			this.events.add((DataStoreStatusChangedEvent) event);
			this.threads.add(Thread.currentThread().getName());
			this.entered.countDown();
			try {
				this.released.await(1, TimeUnit.MINUTES);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		void awaitEntered() throws InterruptedException {
			assertThat(this.entered.await(1, TimeUnit.MINUTES)).as("the listener was called").isTrue();
		}

		void release() {
			this.released.countDown();
		}

	}

}
