package dev.flagstore.spring;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.flagstore.changes.FlagChange;
import dev.flagstore.changes.FlagChangeListener;
import dev.flagstore.changes.FlagTracker;
import dev.flagstore.changes.FlagValueChangeListener;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.ItemDescriptor;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationEventPublisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Review 3: an {@code @EventListener} that throws for one change. While running, on the tracker's thread, the
 * Broadcaster logs it and goes on; at {@code start()} (the changes kept from before the context started, e.g. the
 * flag source's first {@code init}, which runs in an earlier phase) the exception leaves {@code start()}, so the
 * application context fails to start, and the changes queued behind it stay unpublished until some later change.
 */
class FlagChangedEventPublisherStartupTests {

	static final DataKind FEATURES = DataKind.of("features", (item) -> "", (text) -> ItemDescriptor.deleted(0));

	static final class CapturingTracker implements FlagTracker {

		final List<FlagChangeListener> listeners = new CopyOnWriteArrayList<>();

		@Override
		public void addListener(FlagChangeListener listener) {
			this.listeners.add(listener);
		}

		@Override
		public void removeListener(FlagChangeListener listener) {
			this.listeners.remove(listener);
		}

		@Override
		public <V extends @Nullable Object> FlagChangeListener addValueChangeListener(DataKind kind, String key,
				java.util.function.Function<@Nullable ItemDescriptor, V> evaluator, FlagValueChangeListener<V> listener) {
			throw new UnsupportedOperationException();
		}

	}

	@Test
	void aThrowingListenerAtStartShouldNeitherFailTheStartNorHoldBackTheOtherChanges() {
		CapturingTracker tracker = new CapturingTracker();
		List<String> published = new CopyOnWriteArrayList<>();
		ApplicationEventPublisher context = (event) -> {
			FlagChange change = ((FlagChangedEvent) event).getChange();
			if (change.key().equals("bad")) {
				throw new IllegalStateException("a user's @EventListener failed for 'bad'");
			}
			published.add(change.key());
		};
		FlagChangedEventPublisher publisher = new FlagChangedEventPublisher(tracker, context);
		// Before the start (the flag source's first init): kept.
		tracker.listeners.get(0).onFlagChange(new FlagChange(FEATURES, "bad", 1));
		tracker.listeners.get(0).onFlagChange(new FlagChange(FEATURES, "good", 1));

		assertThatNoException().as("start() must not fail the context for a listener's exception")
			.isThrownBy(publisher::start);
		assertThat(published).as("the change after the failing one is published").containsExactly("good");
	}

}
