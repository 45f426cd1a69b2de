package dev.flagstore.autoconfigure.endpoint;

import java.time.Clock;
import java.util.List;

import dev.flagstore.autoconfigure.FlagstoreAutoConfiguration;
import dev.flagstore.source.FlagSource;
import dev.flagstore.source.FlagSourceStatusProvider;
import dev.flagstore.spring.endpoint.FlagstoreEndpoint;
import dev.flagstore.spring.endpoint.FlagstoreInfoContributor;
import dev.flagstore.spring.endpoint.StatusTransitions;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.info.ConditionalOnEnabledInfoContributor;
import org.springframework.boot.actuate.autoconfigure.info.InfoContributorFallback;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the Actuator endpoint {@code flagstore}
 * ({@link FlagstoreEndpoint}, when the endpoint is available: on and exposed, as Spring Boot decides it) and the
 * {@code info} contributor ({@link FlagstoreInfoContributor}, with {@code management.info.flagstore.enabled=true}).
 * Off without Actuator on the class path.
 */
@AutoConfiguration(after = FlagstoreAutoConfiguration.class)
@ConditionalOnClass({ WebEndpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(DataStore.class)
@EnableConfigurationProperties(FlagstoreEndpointProperties.class)
public final class FlagstoreEndpointAutoConfiguration {

	FlagstoreEndpointAutoConfiguration() {
	}

	/** The endpoint and the transitions it shows. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnAvailableEndpoint(FlagstoreEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		StatusTransitions flagstoreStatusTransitions(DataStore store,
				ObjectProvider<FlagSourceStatusProvider> sourceStatus) {
			return new StatusTransitions(store.getStatusProvider(), sourceStatus.getIfUnique(), Clock.systemUTC());
		}

		@Bean
		@ConditionalOnMissingBean
		FlagstoreEndpoint flagstoreEndpoint(DataStore store, ObjectProvider<DataKind> kinds,
				StatusTransitions transitions, ObjectProvider<FlagSource> source,
				ObjectProvider<FlagSourceStatusProvider> sourceStatus, FlagstoreEndpointProperties properties) {
			return new FlagstoreEndpoint(store, () -> kinds.orderedStream().toList(), transitions, source.getIfUnique(),
					sourceStatus.getIfUnique(), properties.getWrite().isEnabled());
		}

	}

	/** The {@code info} contributor, off unless {@code management.info.flagstore.enabled=true}. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnEnabledInfoContributor(value = "flagstore", fallback = InfoContributorFallback.DISABLE)
	static class InfoConfiguration {

		@Bean
		@ConditionalOnMissingBean
		FlagstoreInfoContributor flagstoreInfoContributor(DataStore store, ObjectProvider<FlagSource> source) {
			return new FlagstoreInfoContributor(store, source.getIfUnique());
		}

	}

}
