package dev.flagstore.autoconfigure.health;

import dev.flagstore.autoconfigure.FlagstoreAutoConfiguration;
import dev.flagstore.spring.health.FlagstoreHealthIndicator;
import dev.flagstore.status.DataStoreStatusProvider;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for {@link FlagstoreHealthIndicator}: health component
 * {@code flagStore}, disabled by {@code management.health.flagstore.enabled=false}.
 */
@AutoConfiguration(after = FlagstoreAutoConfiguration.class,
		beforeName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass(Health.class)
@ConditionalOnEnabledHealthIndicator("flagstore")
@ConditionalOnBean(DataStoreStatusProvider.class)
public final class FlagstoreHealthContributorAutoConfiguration {

	FlagstoreHealthContributorAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean(name = "flagStoreHealthIndicator")
	FlagstoreHealthIndicator flagStoreHealthIndicator(DataStoreStatusProvider statusProvider) {
		return new FlagstoreHealthIndicator(statusProvider);
	}

}
