package dev.flagstore.spring;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.test.ManualStatusProvider;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.StandardEvaluationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DataStoreStatusEventPublisher}.
 */
class DataStoreStatusEventPublisherTests {

	private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

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

}
