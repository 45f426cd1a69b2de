package dev.flagstore.autoconfigure.metrics;

import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import dev.flagstore.autoconfigure.FlagstoreAutoConfiguration;
import dev.flagstore.source.FlagSourceStatusProvider;
import dev.flagstore.spring.metrics.FlagSourceMetrics;
import dev.flagstore.changes.FlagTracker;
import dev.flagstore.spring.metrics.FlagChangeMetrics;
import dev.flagstore.spring.metrics.FlagstoreMetrics;
import dev.flagstore.status.DataStoreStatusProvider;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.PersistentDataStoreWrapper;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for {@link FlagstoreMetrics}: status gauges, status-change
 * counter, outage duration and cache statistics, and {@link FlagChangeMetrics} (the change counter), bound to the
 * application's {@link MeterRegistry}; and, when a flag source runs, {@link FlagSourceMetrics} (gauge
 * {@code flagstore.source.state}).
 */
@AutoConfiguration(after = FlagstoreAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, DataStoreStatusProvider.class })
public final class FlagstoreMetricsAutoConfiguration {

	FlagstoreMetricsAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	FlagstoreMetrics flagstoreMetrics(DataStoreStatusProvider statusProvider, ObjectProvider<DataStore> dataStore) {
		DataStore store = dataStore.getIfUnique();
		// Cache meters only for the store whose status is reported, so that the two never disagree.
		Map<String, Cache<?, ?>> caches = (store instanceof PersistentDataStoreWrapper wrapper
				&& wrapper.getStatusProvider() == statusProvider) ? wrapper.getCaches() : Map.of();
		return new FlagstoreMetrics(statusProvider, caches);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(FlagTracker.class)
	FlagChangeMetrics flagstoreFlagChangeMetrics(FlagTracker flagTracker) {
		return new FlagChangeMetrics(flagTracker);
	}

	/** The flag source's gauge, when there is a source. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(FlagSourceStatusProvider.class)
	static class FlagSourceMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		FlagSourceMetrics flagstoreFlagSourceMetrics(FlagSourceStatusProvider statusProvider) {
			return new FlagSourceMetrics(statusProvider);
		}

	}

}
