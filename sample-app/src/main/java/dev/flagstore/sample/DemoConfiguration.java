package dev.flagstore.sample;

import dev.flagstore.store.PersistentDataStore;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Puts a {@link SimulatedOutage} switch in front of the persistent store that flagstore configured, when
 * {@code sample.demo.outage-endpoint.enabled=true}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "sample.demo.outage-endpoint.enabled", havingValue = "true")
class DemoConfiguration {

	@Bean
	static BeanPostProcessor simulatedOutagePostProcessor() {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				return (bean instanceof PersistentDataStore store && !(bean instanceof SimulatedOutage))
						? new SimulatedOutage(store) : bean;
			}
		};
	}

}
