package dev.flagstore.autoconfigure;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.flagstore.status.DataStoreStatusProvider;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.test.FaultInjectingPersistentDataStore;
import dev.flagstore.test.InMemoryPersistentDataStore;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * An explicit {@code stop()} and {@code start()} of the context leave the auto-configured store open and working
 * ({@link DataStoreShutdown} closes it only when the context closes), and a close still closes it once.
 */
class DataStoreRestartTests {

	/** A store of the test kit that counts its closes. */
	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FlagstoreAutoConfiguration.class))
		.withBean(FaultInjectingPersistentDataStore.class,
				() -> new FaultInjectingPersistentDataStore(new InMemoryPersistentDataStore()))
		.withPropertyValues("flagstore.status.heartbeat-interval=0");

	@Test
	void stopThenStartShouldLeaveAWorkingStore() {
		this.contextRunner.run((context) -> {
			DataStore store = context.getBean(DataStore.class);
			store.init(new FullDataSet<>(Map.of()));
			context.stop();
			context.start();
			assertThat(store.upsert(TestKinds.FEATURES, "flag", new ItemDescriptor(1, "on"))).isTrue();
			assertThat(store.get(TestKinds.FEATURES, "flag")).isEqualTo(new ItemDescriptor(1, "on"));
			assertThat(context.getBean(DataStoreStatusProvider.class).getStatus().isAvailable()).isTrue();
			assertThat(context.getBean(FaultInjectingPersistentDataStore.class).getCloseCount()).isZero();
		});
	}

	@Test
	void closeAfterStopAndStartShouldCloseTheStoreOnce() {
		AtomicReference<DataStore> store = new AtomicReference<>();
		AtomicReference<FaultInjectingPersistentDataStore> persistentStore = new AtomicReference<>();
		this.contextRunner.run((context) -> {
			store.set(context.getBean(DataStore.class));
			persistentStore.set(context.getBean(FaultInjectingPersistentDataStore.class));
			context.stop();
			context.start();
		});
		assertThat(persistentStore.get().getCloseCount()).isOne();
		assertThatIllegalStateException().isThrownBy(() -> store.get().get(TestKinds.FEATURES, "flag"));
	}

	@Test
	void closeOfAStoppedContextShouldCloseTheStoreOnce() {
		AtomicReference<DataStore> store = new AtomicReference<>();
		AtomicReference<FaultInjectingPersistentDataStore> persistentStore = new AtomicReference<>();
		this.contextRunner.run((context) -> {
			store.set(context.getBean(DataStore.class));
			persistentStore.set(context.getBean(FaultInjectingPersistentDataStore.class));
			context.stop();
		});
		assertThat(persistentStore.get().getCloseCount()).isOne();
		assertThatIllegalStateException().isThrownBy(() -> store.get().get(TestKinds.FEATURES, "flag"));
	}

	@Test
	void refreshThatFailsAfterTheStoreWasBuiltShouldCloseTheStore() {
		FailingAfterStoreConfiguration.built.set(null);
		this.contextRunner.withUserConfiguration(FailingAfterStoreConfiguration.class)
			.run((context) -> assertThat(context).hasFailed());
		DataStore store = FailingAfterStoreConfiguration.built.get();
		assertThat(store).as("the store was built before the failure").isNotNull();
		assertThatIllegalStateException().isThrownBy(() -> store.get(TestKinds.FEATURES, "flag"));
	}

	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	static class FailingAfterStoreConfiguration {

		static final AtomicReference<DataStore> built = new AtomicReference<>();

		@org.springframework.context.annotation.Bean
		String failsOnceTheStoreExists(DataStore store) {
			built.set(store);
			throw new IllegalStateException("a bean after the store fails");
		}

	}

	@Test
	void closeOfAChildContextShouldNotMakeTheParentsStopClose() {
		this.contextRunner.run((context) -> {
			AnnotationConfigApplicationContext child = new AnnotationConfigApplicationContext();
			child.setParent(context);
			child.refresh();
			// The child's ContextClosedEvent reaches the parent's listeners too.
			child.close();
			context.stop();
			context.start();
			assertThat(context.getBean(DataStore.class).upsert(TestKinds.FEATURES, "flag", new ItemDescriptor(1, "on")))
				.isTrue();
		});
	}

}
