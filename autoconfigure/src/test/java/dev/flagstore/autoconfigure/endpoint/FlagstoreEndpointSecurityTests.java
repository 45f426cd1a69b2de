package dev.flagstore.autoconfigure.endpoint;

import java.util.Map;

import dev.flagstore.spring.endpoint.FlagstoreEndpoint;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.test.InMemoryPersistentDataStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code flagstore} endpoint behind Spring Security, configured as docs/endpoint.md shows: anonymous callers
 * are refused everything, an operator may read, only an admin may write.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=flagstore", "flagstore.endpoint.write.enabled=true",
				"spring.autoconfigure.exclude=org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"management.health.redis.enabled=false" })
@AutoConfigureRestTestClient
class FlagstoreEndpointSecurityTests {

	record Flag(String key, boolean on) {
	}

	static final DataKind FEATURES = DataKind.json("features", Flag.class);

	private static final String ITEM = "{\"version\": 2, \"item\": {\"key\": \"checkout\", \"on\": false}}";

	@Autowired
	private RestTestClient rest;

	@Autowired
	private DataStore store;

	@BeforeEach
	void fill() {
		this.store.init(new FullDataSet<>(
				Map.of(FEATURES, new KeyedItems<>(Map.of("checkout", new ItemDescriptor(1, new Flag("checkout", true)))))));
	}

	private RestTestClient.ResponseSpec get(String path, String... user) {
		return this.rest.get().uri(path).headers(headers -> auth(headers, user)).exchange();
	}

	private RestTestClient.ResponseSpec post(String path, String... user) {
		return this.rest.post().uri(path).headers(headers -> auth(headers, user))
			.contentType(MediaType.APPLICATION_JSON).body(ITEM).exchange();
	}

	private RestTestClient.ResponseSpec delete(String path, String... user) {
		return this.rest.delete().uri(path).headers(headers -> auth(headers, user)).exchange();
	}

	private static void auth(org.springframework.http.HttpHeaders headers, String... user) {
		if (user.length == 2) {
			headers.setBasicAuth(user[0], user[1]);
		}
	}

	@Test
	void anonymousCallersShouldBeRefusedEverything() {
		get("/actuator/flagstore").expectStatus().isUnauthorized();
		get("/actuator/flagstore/features").expectStatus().isUnauthorized();
		get("/actuator/flagstore/features/checkout").expectStatus().isUnauthorized();
		post("/actuator/flagstore/features/checkout").expectStatus().isUnauthorized();
		delete("/actuator/flagstore/features/checkout?version=5").expectStatus().isUnauthorized();
		assertThat(this.store.get(FEATURES, "checkout").version()).isEqualTo(1);
	}

	@Test
	void anOperatorShouldReadButNotWrite() {
		get("/actuator/flagstore", "operator", "operator-pw").expectStatus().isOk();
		get("/actuator/flagstore/features/checkout", "operator", "operator-pw").expectStatus().isOk();
		post("/actuator/flagstore/features/checkout", "operator", "operator-pw").expectStatus().isForbidden();
		delete("/actuator/flagstore/features/checkout?version=5", "operator", "operator-pw").expectStatus()
			.isForbidden();
		assertThat(this.store.get(FEATURES, "checkout").version()).isEqualTo(1);
	}

	@Test
	void anAdminShouldWrite() {
		post("/actuator/flagstore/features/checkout", "admin", "admin-pw").expectStatus().isOk();
		assertThat(this.store.get(FEATURES, "checkout").version()).isEqualTo(2);
		delete("/actuator/flagstore/features/checkout?version=3", "admin", "admin-pw").expectStatus().isOk();
		assertThat(this.store.get(FEATURES, "checkout")).isEqualTo(ItemDescriptor.deleted(3));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		InMemoryPersistentDataStore persistentDataStore() {
			return new InMemoryPersistentDataStore();
		}

		@Bean
		DataKind features() {
			return FEATURES;
		}

		@Bean
		UserDetailsService users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("operator").password("{noop}operator-pw").roles("ACTUATOR").build(),
					User.withUsername("admin").password("{noop}admin-pw").roles("ACTUATOR", "FLAGSTORE_ADMIN").build());
		}

	}

	/** What docs/endpoint.md shows. */
	@Configuration(proxyBeanMethods = false)
	static class EndpointSecurity {

		// tag::security[]
		@Bean
		SecurityFilterChain actuatorSecurity(HttpSecurity http) throws Exception {
			http.securityMatcher(EndpointRequest.toAnyEndpoint())
				.authorizeHttpRequests(requests -> requests
					// Writes to flagstore's data: admins only.
					.requestMatchers(EndpointRequest.to(FlagstoreEndpoint.class).withHttpMethod(HttpMethod.POST))
					.hasRole("FLAGSTORE_ADMIN")
					.requestMatchers(EndpointRequest.to(FlagstoreEndpoint.class).withHttpMethod(HttpMethod.DELETE))
					.hasRole("FLAGSTORE_ADMIN")
					// Reading flagstore (and other endpoints): operators.
					.anyRequest()
					.hasRole("ACTUATOR"))
				.httpBasic(Customizer.withDefaults())
				// Actuator's POST and DELETE are called by tools, not by a browser form.
				.csrf(csrf -> csrf.disable());
			return http.build();
		}
		// end::security[]

	}

}
