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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FlagChangedEventPublisher}: changes before the start, while running, after a stop.
 */
class FlagChangedEventPublisherTests {

	private static final DataKind FEATURES = DataKind.of("features", item -> "x", text -> new ItemDescriptor(1, text));

	private final ManualTracker tracker = new ManualTracker();

	private final List<FlagChange> published = new CopyOnWriteArrayList<>();

	private final FlagChangedEventPublisher publisher = new FlagChangedEventPublisher(this.tracker,
			(event) -> this.published.add(((FlagChangedEvent) event).getChange()));

	@Test
	void changesBeforeTheStartShouldBePublishedAtTheStartTheLatestPerItem() {
		this.tracker.fire(new FlagChange(FEATURES, "a", 1));
		this.tracker.fire(new FlagChange(FEATURES, "b", 1));
		this.tracker.fire(new FlagChange(FEATURES, "a", 2));
		assertThat(this.published).isEmpty();
		this.publisher.start();
		assertThat(this.published).containsExactly(new FlagChange(FEATURES, "b", 1), new FlagChange(FEATURES, "a", 2));
	}

	@Test
	void changesWhileRunningShouldAllBePublishedInOrder() {
		this.publisher.start();
		this.tracker.fire(new FlagChange(FEATURES, "a", 1));
		this.tracker.fire(new FlagChange(FEATURES, "a", 2));
		assertThat(this.published).extracting(FlagChange::version).containsExactly(1, 2);
	}

	@Test
	void nothingShouldBePublishedAfterStopOrDestroy() {
		this.publisher.start();
		this.publisher.stop();
		this.tracker.fire(new FlagChange(FEATURES, "a", 1));
		assertThat(this.published).isEmpty();
		this.publisher.destroy();
		assertThat(this.tracker.listeners).isEmpty();
	}

	/** A tracker the test fires by hand, on its own thread. */
	static final class ManualTracker implements FlagTracker {

		final List<FlagChangeListener> listeners = new CopyOnWriteArrayList<>();

		void fire(FlagChange change) {
			this.listeners.forEach((listener) -> listener.onFlagChange(change));
		}

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

}
