package dev.flagstore.test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.flagstore.store.CacheMode;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStoreException;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.store.PersistentDataStoreWrapper;
import dev.flagstore.store.SerializedItemDescriptor;
import dev.flagstore.test.FaultInjectingPersistentDataStore.Operation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link FaultInjectingPersistentDataStore}, alone and under a {@link PersistentDataStoreWrapper}.
 */
class FaultInjectingPersistentDataStoreTests {

	private static final DataKind FEATURES = DataKind.json("features", Map.class);

	private final FaultInjectingPersistentDataStore store = new FaultInjectingPersistentDataStore(
			new InMemoryPersistentDataStore());

	@Test
	void healthyStoreDelegates() {
		this.store.init(new FullDataSet<>(Map.of()));
		assertThat(this.store.upsert(FEATURES, "a", item(1))).isTrue();
		assertThat(this.store.get(FEATURES, "a")).isEqualTo(item(1));
		assertThat(this.store.isInitialized()).isTrue();
		assertThat(this.store.isStoreAvailable()).isTrue();
		assertThat(this.store.isFaulty()).isFalse();
		assertThat(this.store.getCallCount()).isEqualTo(5);
	}

	@Test
	void failThrowsAndReportsUnavailableUntilRecovered() {
		this.store.fail();
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.store.get(FEATURES, "a"));
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(this.store::isInitialized);
		assertThat(this.store.isStoreAvailable()).isFalse();
		this.store.recover();
		assertThat(this.store.get(FEATURES, "a")).isNull();
		assertThat(this.store.isStoreAvailable()).isTrue();
	}

	@Test
	void failCanTargetSomeOperations() {
		RuntimeException error = new UnsupportedOperationException("read-only");
		this.store.fail(error, Operation.UPSERT, Operation.INIT);
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> this.store.upsert(FEATURES, "a", item(1)))
			.isSameAs(error);
		assertThat(this.store.get(FEATURES, "a")).isNull();
		assertThat(this.store.isStoreAvailable()).isTrue();
	}

	@Test
	void hangBlocksUntilRecoverThenProceeds() throws Exception {
		this.store.hang(Operation.UPSERT);
		CompletableFuture<Boolean> upsert = CompletableFuture.supplyAsync(() -> this.store.upsert(FEATURES, "a", item(1)));
		await().until(() -> this.store.getHungCallCount() == 1);
		assertThat(upsert).isNotDone();
		this.store.recover();
		assertThat(upsert.get(5, TimeUnit.SECONDS)).isTrue();
		assertThat(this.store.getHungCallCount()).isZero();
	}

	@Test
	void hungCallEndsWhenInterrupted() throws Exception {
		this.store.hang();
		Thread caller = new Thread(() -> assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.store.get(FEATURES, "a")));
		caller.start();
		await().until(() -> this.store.getHungCallCount() == 1);
		caller.interrupt();
		caller.join(5000);
		assertThat(caller.isAlive()).isFalse();
		assertThat(this.store.getHungCallCount()).isZero();
	}

	@Test
	void slowDownDelaysCalls() {
		this.store.slowDown(Duration.ofMillis(200), Operation.GET);
		long start = System.nanoTime();
		assertThat(this.store.get(FEATURES, "a")).isNull();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
		assertThatCode(() -> this.store.slowDown(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void closeReleasesHungCallsAndClosesDelegate() throws Exception {
		this.store.hang();
		CompletableFuture<Boolean> call = CompletableFuture.supplyAsync(this.store::isInitialized);
		await().until(() -> this.store.getHungCallCount() == 1);
		this.store.close();
		assertThat(this.store.getCloseCount()).isEqualTo(1);
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> call.get(5, TimeUnit.SECONDS));
		assertThat(this.store.getDelegate().isStoreAvailable()).isFalse();
	}

	@Test
	void wrapperSeesHangAsOutageAndRecovers() {
		try (PersistentDataStoreWrapper wrapper = PersistentDataStoreWrapper.builder(this.store)
			.cacheMode(CacheMode.TTL)
			.cacheTtl(Duration.ofMinutes(5))
			.operationTimeout(Duration.ofMillis(300))
			.pollInterval(Duration.ofMillis(50))
			.heartbeatInterval(Duration.ZERO)
			.build()) {
			wrapper.init(new FullDataSet<>(Map.of(FEATURES,
					new KeyedItems<>(Map.of("a", new ItemDescriptor(1, Map.of("version", 1)))))));
			assertThat(wrapper.get(FEATURES, "a")).isNotNull();
			this.store.hang();
			assertThatExceptionOfType(DataStoreException.class).isThrownBy(() -> wrapper.get(FEATURES, "b"));
			assertThat(wrapper.getStatusProvider().getStatus().isAvailable()).isFalse();
			assertThat(wrapper.get(FEATURES, "a")).isNotNull();
			this.store.recover();
			await().untilAsserted(() -> {
				assertThat(wrapper.getStatusProvider().getStatus().isAvailable()).isTrue();
				assertThat(wrapper.getStatusProvider().getStatus().isRefreshNeeded()).isTrue();
			});
		}
	}

	private static SerializedItemDescriptor item(int version) {
		return new SerializedItemDescriptor(version, false, "{\"version\":" + version + "}");
	}

}
