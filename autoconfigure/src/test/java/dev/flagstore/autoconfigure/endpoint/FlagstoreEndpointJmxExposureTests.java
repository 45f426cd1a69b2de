package dev.flagstore.autoconfigure.endpoint;

import java.util.Map;

import dev.flagstore.store.DataStore;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review 3: the endpoint exposed over JMX only (not over HTTP), writes on, Spring Security configured exactly as
 * docs/endpoint.md shows. {@code @ConditionalOnAvailableEndpoint} passes for any exposure technology, so the
 * endpoint bean and the POST handler mapping exist; PathMappedEndpoints has no web path for it, the mapping falls
 * back to {@code /actuator/flagstore}, and {@code EndpointRequest.to(...)/toAnyEndpoint()} match nothing there: an
 * anonymous POST writes. (The same holds on Cloud Foundry, whose exposure includes every endpoint.) Fails on
 * current code: 200 and version 2 in the store.
 */
@SpringBootTest(
		classes = { FlagstoreEndpointSecurityTests.TestApplication.class,
				FlagstoreEndpointSecurityTests.EndpointSecurity.class },
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=flagstore",
				"management.endpoints.web.exposure.include=health", "flagstore.endpoint.write.enabled=true",
				"spring.autoconfigure.exclude=org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"management.health.redis.enabled=false" })
@AutoConfigureRestTestClient
class FlagstoreEndpointJmxExposureTests {

	@Autowired
	private RestTestClient rest;

	@Autowired
	private DataStore store;

	@BeforeEach
	void fill() {
		this.store.init(new FullDataSet<>(Map.of(FlagstoreEndpointSecurityTests.FEATURES, new KeyedItems<>(
				Map.of("checkout", new ItemDescriptor(1, new FlagstoreEndpointSecurityTests.Flag("checkout", true)))))));
	}

	@Test
	void anEndpointNotExposedOverHttpShouldTakeNoAnonymousPost() {
		// Not exposed over HTTP: reads are not served.
		this.rest.get().uri("/actuator/flagstore").exchange().expectStatus().is4xxClientError();
		int status = this.rest.post().uri("/actuator/flagstore/features/checkout").contentType(MediaType.APPLICATION_JSON)
			.body("{\"version\": 2, \"item\": {\"key\": \"checkout\", \"on\": false}}").exchange()
			.returnResult(String.class).getStatus().value();
		assertThat(this.store.get(FlagstoreEndpointSecurityTests.FEATURES, "checkout").version())
			.as("anonymous POST (answered %d) must not write", status).isEqualTo(1);
		assertThat(status).isIn(401, 403, 404, 405);
	}

}
