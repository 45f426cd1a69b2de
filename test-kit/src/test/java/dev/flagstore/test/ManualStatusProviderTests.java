package dev.flagstore.test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusListener;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Tests for {@link ManualStatusProvider}.
 */
class ManualStatusProviderTests {

	private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

	private static final DataStoreStatus UP = DataStoreStatus.available(T0);

	private static final DataStoreStatus DOWN = new DataStoreStatus(false, false, T0.plusSeconds(1), "boom");

	private final ManualStatusProvider provider = new ManualStatusProvider(UP);

	@Test
	void shouldAnswerTheFirstStatusWithMonitoringEnabled() {
		assertThat(this.provider.getStatus()).isSameAs(UP);
		assertThat(this.provider.isStatusMonitoringEnabled()).isTrue();
		assertThat(this.provider.listenerCount()).isZero();
	}

	@Test
	void setShouldTellEveryListenerOnTheCallingThreadInOrder() {
		List<String> calls = new ArrayList<>();
		Thread caller = Thread.currentThread();
		this.provider.addStatusListener((status) -> calls.add("first " + status.isAvailable() + " "
				+ (Thread.currentThread() == caller)));
		this.provider.addStatusListener((status) -> calls.add("second " + status.isAvailable()));
		this.provider.set(DOWN);
		assertThat(this.provider.getStatus()).isSameAs(DOWN);
		assertThat(calls).containsExactly("first false true", "second false");
	}

	@Test
	void setShouldTellListenersAlsoWhenNothingChanged() {
		List<DataStoreStatus> seen = new ArrayList<>();
		this.provider.addStatusListener(seen::add);
		this.provider.set(UP);
		this.provider.set(UP);
		assertThat(seen).containsExactly(UP, UP);
	}

	@Test
	void listenerAddedTwiceShouldBeCalledOnceAndRemovable() {
		List<DataStoreStatus> seen = new ArrayList<>();
		DataStoreStatusListener listener = seen::add;
		this.provider.addStatusListener(listener);
		this.provider.addStatusListener(listener);
		assertThat(this.provider.listenerCount()).isEqualTo(1);
		this.provider.set(DOWN);
		this.provider.removeStatusListener(listener);
		this.provider.set(UP);
		assertThat(seen).containsExactly(DOWN);
		assertThat(this.provider.listenerCount()).isZero();
	}

	@Test
	void throwingListenerShouldReachTheCaller() {
		this.provider.addStatusListener((status) -> {
			throw new IllegalStateException("listener broke");
		});
		assertThatIllegalStateException().isThrownBy(() -> this.provider.set(DOWN)).withMessage("listener broke");
		assertThat(this.provider.getStatus()).as("the status is set before listeners are told").isSameAs(DOWN);
	}

	@Test
	void nullsShouldBeRefused() {
		assertThatNullPointerException().isThrownBy(() -> new ManualStatusProvider(null)).withMessage("status");
		assertThatNullPointerException().isThrownBy(() -> this.provider.set(null)).withMessage("status");
		assertThatNullPointerException().isThrownBy(() -> this.provider.addStatusListener(null))
			.withMessage("listener");
	}

}
