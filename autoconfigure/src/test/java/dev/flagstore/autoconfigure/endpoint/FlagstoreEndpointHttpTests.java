package dev.flagstore.autoconfigure.endpoint;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.test.FaultInjectingPersistentDataStore;
import dev.flagstore.test.InMemoryPersistentDataStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code flagstore} endpoint over HTTP in a real application, writes on: every path, its errors, writes that
 * reach the store, and no secret in any field. {@link EndpointDocsTests} checks docs/endpoint.md against the same
 * answers.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=flagstore,info",
				"management.info.flagstore.enabled=true", "flagstore.endpoint.write.enabled=true",
				"flagstore.status.poll-interval=50ms", "flagstore.status.heartbeat-interval=0",
				// Spring Security is on this module's test class path for FlagstoreEndpointSecurityTests only.
				"spring.autoconfigure.exclude=org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
				"management.health.redis.enabled=false" })
@AutoConfigureRestTestClient
class FlagstoreEndpointHttpTests {

	/** A secret as a failing store's client might put it in its exception. */
	static final String SECRET = "pw-LEAK-7f3a";

	record Flag(String key, boolean on) {
	}

	static final DataKind FEATURES = DataKind.json("features", Flag.class);

	static final DataKind SEGMENTS = DataKind.json("segments", Flag.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	private RestTestClient rest;

	@Autowired
	private DataStore store;

	@Autowired
	private FaultInjectingPersistentDataStore faults;

	@BeforeEach
	void fill() {
		this.faults.recover();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.store.getStatusProvider().getStatus().isAvailable());
		this.store.init(new FullDataSet<>(Map.of(FEATURES,
				new KeyedItems<>(Map.of("checkout", new ItemDescriptor(3, new Flag("checkout", true)), "search",
						new ItemDescriptor(1, new Flag("search", false)))),
				SEGMENTS, new KeyedItems<>(Map.of()))));
	}

	JsonNode get(String path, int status) {
		String body = this.rest.get().uri(path).exchange().expectStatus().isEqualTo(status)
			.returnResult(String.class).getResponseBody();
		return JSON.readTree(body);
	}

	JsonNode post(String path, String json, int status) {
		String body = this.rest.post().uri(path).contentType(MediaType.APPLICATION_JSON).body(json).exchange()
			.expectStatus().isEqualTo(status).returnResult(String.class).getResponseBody();
		return JSON.readTree(body);
	}

	JsonNode delete(String path, int status) {
		String body = this.rest.delete().uri(path).exchange().expectStatus().isEqualTo(status)
			.returnResult(String.class).getResponseBody();
		return JSON.readTree(body);
	}

	@Test
	void overviewShouldShowConfigurationStatusCachesAndCounts() {
		JsonNode overview = get("/actuator/flagstore", 200);
		JsonNode store = overview.get("configuration").get("store");
		assertThat(store.get("type").asString()).isEqualTo("persistent");
		assertThat(store.get("cacheMode").asString()).isEqualTo("ttl");
		assertThat(store.get("cacheTtl").asString()).isEqualTo("PT15S");
		assertThat(store.get("store").get("class").asString()).isEqualTo(FaultInjectingPersistentDataStore.class.getName());
		assertThat(overview.get("store").get("status").get("available").asBoolean()).isTrue();
		assertThat(overview.get("store").get("transitions").size()).isGreaterThanOrEqualTo(1);
		assertThat(overview.get("caches").get("items").has("hits")).isTrue();
		assertThat(overview.get("kinds").get("features").get("items").asInt()).isEqualTo(2);
		assertThat(overview.get("kinds").get("segments").get("items").asInt()).isZero();
		assertThat(overview.has("source")).as("no flag source in this application").isFalse();
	}

	@Test
	void kindShouldListKeysAndVersionsInPages() {
		JsonNode first = get("/actuator/flagstore/features?size=1", 200);
		assertThat(first.get("total").asInt()).isEqualTo(2);
		assertThat(first.get("items").size()).isEqualTo(1);
		assertThat(first.get("items").get(0).get("key").asString()).isEqualTo("checkout");
		assertThat(first.get("items").get(0).get("version").asInt()).isEqualTo(3);
		JsonNode second = get("/actuator/flagstore/features?page=1&size=1", 200);
		assertThat(second.get("items").get(0).get("key").asString()).isEqualTo("search");
		assertThat(get("/actuator/flagstore/features?page=2&size=1", 200).get("items").size()).isZero();
		assertThat(get("/actuator/flagstore/features?size=0", 400).get("error").asString()).contains("size");
		assertThat(get("/actuator/flagstore/features?size=5000", 400).get("error").asString()).contains("1000");
	}

	@Test
	void unknownKindOrKeyShouldBe404WithAClearMessage() {
		assertThat(get("/actuator/flagstore/flags", 404).get("error").asString())
			.isEqualTo("No kind 'flags'; known kinds: [features, segments]");
		assertThat(get("/actuator/flagstore/features/nope", 404).get("error").asString())
			.isEqualTo("No item 'nope' of kind 'features'");
		assertThat(get("/actuator/flagstore/flags/x", 404).get("error").asString()).startsWith("No kind 'flags'");
	}

	@Test
	void itemShouldBeShownAsItsKindSerializesIt() {
		JsonNode item = get("/actuator/flagstore/features/checkout", 200);
		assertThat(item.get("version").asInt()).isEqualTo(3);
		assertThat(item.get("item").get("key").asString()).isEqualTo("checkout");
		assertThat(item.get("item").get("on").asBoolean()).isTrue();
	}

	@Test
	void writesShouldGoThroughTheDataStoreAndConflictsAnswerTheStoredVersion() {
		JsonNode written = post("/actuator/flagstore/features/beta",
				"{\"version\": 1, \"item\": {\"key\": \"beta\", \"on\": true}}", 200);
		assertThat(written.get("version").asInt()).isEqualTo(1);
		assertThat(this.store.get(FEATURES, "beta")).isEqualTo(new ItemDescriptor(1, new Flag("beta", true)));
		assertThat(get("/actuator/flagstore/features/beta", 200).get("item").get("on").asBoolean()).isTrue();

		JsonNode conflict = post("/actuator/flagstore/features/checkout",
				"{\"version\": 2, \"item\": {\"key\": \"checkout\", \"on\": false}}", 409);
		assertThat(conflict.get("storedVersion").asInt()).isEqualTo(3);
		assertThat(conflict.get("error").asString()).contains("already has version 3");
		assertThat(this.store.get(FEATURES, "checkout").version()).isEqualTo(3);

		JsonNode deleted = delete("/actuator/flagstore/features/beta?version=2", 200);
		assertThat(deleted.get("deleted").asBoolean()).isTrue();
		assertThat(this.store.get(FEATURES, "beta")).isEqualTo(ItemDescriptor.deleted(2));
		assertThat(get("/actuator/flagstore/features/beta", 200).get("deleted").asBoolean()).isTrue();
		assertThat(delete("/actuator/flagstore/features/beta?version=2", 409).get("storedVersion").asInt())
			.isEqualTo(2);
	}

	@Test
	void malformedWritesShouldBe400WithAClearMessageAndChangeNothing() {
		JsonNode wrongType = post("/actuator/flagstore/features/checkout",
				"{\"version\": 9, \"item\": {\"key\": \"checkout\", \"on\": \"maybe\"}}", 400);
		assertThat(wrongType.get("error").asString()).startsWith("The item is not a valid 'features': ");
		assertThat(post("/actuator/flagstore/features/checkout", "{\"version\": -1, \"item\": {}}", 400)
			.get("error").asString()).isEqualTo("version must not be negative: -1");
		assertThat(post("/actuator/flagstore/segments2/x", "{\"version\": 1, \"item\": {}}", 404)
			.get("error").asString()).startsWith("No kind 'segments2'");
		assertThat(post("/actuator/flagstore/features/checkout", "{\"item\": {}}", 400).get("error").asString())
			.startsWith("The body needs an integer 'version'");
		assertThat(post("/actuator/flagstore/features/checkout", "{\"version\": 9, \"item\": \"on\"}", 400)
			.get("error").asString()).startsWith("The body needs an object 'item'");
		assertThat(post("/actuator/flagstore/features/checkout", "not json", 400).get("error").asString())
			.startsWith("The body must be a JSON object");
		assertThat(this.store.get(FEATURES, "checkout").version()).isEqualTo(3);
	}

	@Test
	void anOutageShouldShowInTheStatusAndTransitionsWithoutTheSecretsOfItsError() {
		this.faults.fail(new IllegalStateException("connect to redis://admin:" + SECRET + "@db:6379 failed, password="
				+ SECRET));
		// Not cached: a read that reaches the failing store.
		assertThat(get("/actuator/flagstore/features/uncached", 503).get("error").asString()).doesNotContain(SECRET);
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.store.getStatusProvider().getStatus().isAvailable());
		String overview = this.rest.get().uri("/actuator/flagstore").exchange().expectStatus().isOk()
			.returnResult(String.class).getResponseBody();
		JsonNode tree = JSON.readTree(overview);
		assertThat(tree.get("store").get("status").get("available").asBoolean()).isFalse();
		assertThat(tree.get("store").get("status").get("lastError").asString()).contains("IllegalStateException");
		List<JsonNode> transitions = tree.get("store").get("transitions").valueStream().toList();
		assertThat(transitions.get(transitions.size() - 1).get("available").asBoolean()).isFalse();
		assertThat(overview).doesNotContain(SECRET);
		String info = this.rest.get().uri("/actuator/info").exchange().expectStatus().isOk()
			.returnResult(String.class).getResponseBody();
		assertThat(JSON.readTree(info).get("flagstore").get("store").get("cacheMode").asString()).isEqualTo("ttl");
		assertThat(info).doesNotContain(SECRET);
		this.faults.recover();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.store.getStatusProvider().getStatus().isAvailable());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		FaultInjectingPersistentDataStore persistentDataStore() {
			return new FaultInjectingPersistentDataStore(new InMemoryPersistentDataStore());
		}

		@Bean
		DataKind features() {
			return FEATURES;
		}

		@Bean
		DataKind segments() {
			return SEGMENTS;
		}

	}

}
