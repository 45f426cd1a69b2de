package dev.flagstore.autoconfigure;

import dev.flagstore.source.FlagSource;
import dev.flagstore.source.FlagSourceRunner;
import dev.flagstore.source.FlagSourceStatusProvider;
import dev.flagstore.spring.FlagSourceStatusEventPublisher;
import dev.flagstore.store.DataStore;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Runs the {@link FlagSource} bean (the application's, or the one {@code flagstore.source.type} selected) against the
 * {@link DataStore}: a {@link FlagSourceRunner}, started by {@link FlagSourceLifecycle} once the context's beans
 * exist and closed before the store; its {@link FlagSourceStatusProvider}; and the status events. Without a
 * {@link FlagSource} bean, none of these beans exist.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBean({ FlagSource.class, DataStore.class })
class FlagSourceConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FlagSourceRunner flagstoreFlagSourceRunner(DataStore dataStore, FlagSource flagSource) {
		return FlagSourceRunner.builder(dataStore, flagSource).build();
	}

	// The runner owns its status provider: no destroy method of its own.
	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean
	FlagSourceStatusProvider flagstoreFlagSourceStatusProvider(FlagSourceRunner runner) {
		return runner.getStatusProvider();
	}

	@Bean
	@ConditionalOnMissingBean
	FlagSourceStatusEventPublisher flagstoreFlagSourceStatusEventPublisher(FlagSourceStatusProvider statusProvider,
			ApplicationEventPublisher eventPublisher) {
		return new FlagSourceStatusEventPublisher(statusProvider, eventPublisher);
	}

	@Bean
	@ConditionalOnMissingBean(name = "flagstoreFlagSourceLifecycle")
	FlagSourceLifecycle flagstoreFlagSourceLifecycle(FlagSourceRunner runner) {
		return new FlagSourceLifecycle(runner);
	}

}
