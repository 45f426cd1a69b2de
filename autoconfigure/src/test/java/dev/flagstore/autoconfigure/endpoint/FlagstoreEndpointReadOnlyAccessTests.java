package dev.flagstore.autoconfigure.endpoint;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * With Actuator's read-only access to the endpoint, writes are refused even when flagstore's own switch is on: the
 * {@code POST} (served outside Actuator's operations) as Actuator refuses the {@code DELETE}.
 */
@SpringBootTest(classes = FlagstoreEndpointHttpTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=flagstore", "flagstore.endpoint.write.enabled=true",
				"management.endpoint.flagstore.access=read-only", "flagstore.status.heartbeat-interval=0",
				// Spring Security is on this module's test class path for FlagstoreEndpointSecurityTests only.
				"spring.autoconfigure.exclude=org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
				"management.health.redis.enabled=false" })
@AutoConfigureRestTestClient
class FlagstoreEndpointReadOnlyAccessTests {

	@Autowired
	private RestTestClient rest;

	@Test
	void readsShouldWorkAndWritesBeRefused() {
		this.rest.get().uri("/actuator/flagstore").exchange().expectStatus().isOk();
		this.rest.post().uri("/actuator/flagstore/features/x").contentType(MediaType.APPLICATION_JSON)
			.body("{\"version\": 1, \"item\": {\"key\": \"x\", \"on\": true}}").exchange().expectStatus()
			.is4xxClientError();
		this.rest.delete().uri("/actuator/flagstore/features/x?version=1").exchange().expectStatus().is4xxClientError();
		this.rest.get().uri("/actuator/flagstore/features/x").exchange().expectStatus().isNotFound();
	}

}
