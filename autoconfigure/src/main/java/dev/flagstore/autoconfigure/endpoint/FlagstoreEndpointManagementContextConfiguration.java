package dev.flagstore.autoconfigure.endpoint;

import dev.flagstore.spring.endpoint.FlagstoreEndpoint;
import dev.flagstore.spring.endpoint.FlagstoreEndpointWriteHandlerMapping;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * The {@code POST} of the {@code flagstore} endpoint ({@link FlagstoreEndpointWriteHandlerMapping}), in the context
 * that serves Actuator: the application's own, or the management context when {@code management.server.port}
 * differs. Spring MVC only.
 */
@ManagementContextConfiguration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBean({ FlagstoreEndpoint.class, PathMappedEndpoints.class })
public final class FlagstoreEndpointManagementContextConfiguration {

	FlagstoreEndpointManagementContextConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	FlagstoreEndpointWriteHandlerMapping flagstoreEndpointWriteHandlerMapping(FlagstoreEndpoint endpoint,
			PathMappedEndpoints endpoints, ObjectProvider<EndpointAccessResolver> accessResolver) {
		String path = endpoints.getPath(EndpointId.of("flagstore"));
		// As Actuator does for its own write operations: with read-only access (management.endpoint.flagstore.access
		// or management.endpoints.access.max-permitted), there is no POST.
		EndpointAccessResolver resolver = accessResolver.getIfAvailable();
		// Not exposed over HTTP (exposed over JMX only, or "available" through Cloud Foundry's exposure): no web
		// path, EndpointRequest matchers cover nothing, so no POST either.
		boolean writable = path != null && (resolver == null
				|| resolver.accessFor(EndpointId.of("flagstore"), Access.UNRESTRICTED) == Access.UNRESTRICTED);
		return new FlagstoreEndpointWriteHandlerMapping((path != null) ? path : "/actuator/flagstore", endpoint,
				writable);
	}

}
