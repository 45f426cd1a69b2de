package dev.flagstore.autoconfigure.health;

import dev.flagstore.autoconfigure.FlagstoreAutoConfiguration;
import dev.flagstore.source.FlagSourceStatusProvider;
import dev.flagstore.spring.health.FlagSourceHealthIndicator;
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
import org.springframework.context.annotation.Configuration;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for {@link FlagstoreHealthIndicator}: health component
 * {@code flagStore}, disabled by {@code management.health.flagstore.enabled=false}; and, when a flag source runs,
 * {@link FlagSourceHealthIndicator}: component {@code flagSource}, disabled by
 * {@code management.health.flagsource.enabled=false}. Off when Spring Boot's health support (Actuator) is not on
 * the class path.
 */
@AutoConfiguration(after = FlagstoreAutoConfiguration.class,
		beforeName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass(Health.class)
@ConditionalOnBean(DataStoreStatusProvider.class)
public final class FlagstoreHealthContributorAutoConfiguration {

	FlagstoreHealthContributorAutoConfiguration() {
	}

	/**
	 * Nested, so that its condition (a class of spring-boot-health) is loaded only once {@link Health} is known to be
	 * present: Spring loads every condition class of a configuration before it evaluates the first one.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnEnabledHealthIndicator("flagstore")
	static class FlagstoreHealthIndicatorConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "flagStoreHealthIndicator")
		FlagstoreHealthIndicator flagStoreHealthIndicator(DataStoreStatusProvider statusProvider) {
			return new FlagstoreHealthIndicator(statusProvider);
		}

	}

	/** The flag source's component, when there is a source (see {@code FlagSourceConfiguration}). */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(FlagSourceStatusProvider.class)
	@ConditionalOnEnabledHealthIndicator("flagsource")
	static class FlagSourceHealthIndicatorConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "flagSourceHealthIndicator")
		FlagSourceHealthIndicator flagSourceHealthIndicator(FlagSourceStatusProvider statusProvider) {
			return new FlagSourceHealthIndicator(statusProvider);
		}

	}

}
