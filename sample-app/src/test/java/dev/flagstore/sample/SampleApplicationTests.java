package dev.flagstore.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample as a user meets it, over real HTTP: flags from the file source, an outage simulated with the demo
 * endpoint, health, metrics, events and the re-sync after recovery.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "flagstore.status.poll-interval=50ms", "flagstore.status.heartbeat-interval=100ms" })
class SampleApplicationTests {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	@AfterEach
	void endOutage() throws Exception {
		send("DELETE", "/api/demo/outage", null);
	}

	@Test
	void shouldServeTheFlagsFromTheJsonFileThroughTheFileSource() throws Exception {
		HttpResponse<String> response = send("GET", "/api/flags", null);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(response.body()).findValuesAsString("key")).contains("new-checkout",
				"dark-mode", "search-v2", "beta-banner");
		assertThat(send("GET", "/api/flags/search-v2", null).body()).contains("\"version\":3");
		assertThat(send("GET", "/api/flags/nope", null).statusCode()).isEqualTo(404);
		JsonNode status = this.json.readTree(send("GET", "/api/status", null).body());
		assertThat(status.at("/source/state").stringValue()).isEqualTo("VALID");
		JsonNode health = this.json.readTree(send("GET", "/actuator/health/flagSource", null).body());
		assertThat(health.get("status").stringValue()).isEqualTo("UP");
		assertThat(gauge("flagstore.source.state", "valid")).isEqualTo(1.0);
	}

	@Test
	void theFlagstoreEndpointShouldShowTheSourceAndWriteVersionedItems() throws Exception {
		JsonNode overview = this.json.readTree(send("GET", "/actuator/flagstore", null).body());
		assertThat(overview.get("configuration").get("source").get("type").stringValue()).isEqualTo("file");
		assertThat(overview.get("source").get("status").get("state").stringValue()).isEqualTo("VALID");
		JsonNode stored = this.json.readTree(send("GET", "/actuator/flagstore/features/new-checkout", null).body());
		int version = stored.get("version").intValue();
		HttpResponse<String> written = send("POST", "/actuator/flagstore/features/new-checkout",
				"{\"version\": " + (version + 1) + ", \"item\": {\"key\": \"new-checkout\", \"on\": false, "
						+ "\"description\": \"The redesigned checkout flow\"}}");
		assertThat(written.statusCode()).isEqualTo(200);
		JsonNode flag = this.json.readTree(send("GET", "/api/flags/new-checkout", null).body());
		assertThat(flag.get("on").booleanValue()).isFalse();
		assertThat(flag.get("version").intValue()).isEqualTo(version + 1);
		HttpResponse<String> stale = send("POST", "/actuator/flagstore/features/new-checkout",
				"{\"version\": " + version + ", \"item\": {\"key\": \"new-checkout\", \"on\": true}}");
		assertThat(stale.statusCode()).isEqualTo(409);
		assertThat(this.json.readTree(stale.body()).get("storedVersion").intValue()).isEqualTo(version + 1);
	}

	@Test
	void shouldUpdateAFlagThroughTheStore() throws Exception {
		HttpResponse<String> updated = send("PUT", "/api/flags/beta-banner", "{\"on\":true}");
		assertThat(updated.statusCode()).isEqualTo(200);
		JsonNode flag = this.json.readTree(send("GET", "/api/flags/beta-banner", null).body());
		assertThat(flag.get("on").booleanValue()).isTrue();
		assertThat(flag.get("version").intValue()).isGreaterThanOrEqualTo(2);
		assertThat(flag.get("description").stringValue()).isEqualTo("Banner inviting users to the beta");
	}

	@Test
	void outageShouldTurnHealthDownAndRecoveryShouldResyncTheStore() throws Exception {
		assertThat(send("GET", "/actuator/health/flagStore", null).statusCode()).isEqualTo(200);
		assertThat(send("GET", "/index.html", null).body()).contains("flagstore sample");

		assertThat(send("POST", "/api/demo/outage", null).statusCode()).isEqualTo(200);
		// A write during the outage fails for the caller.
		assertThat(send("PUT", "/api/flags/dark-mode", "{\"on\":true}").statusCode()).isEqualTo(503);
		await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", "/actuator/health", null).statusCode() == 503);
		JsonNode health = this.json.readTree(send("GET", "/actuator/health/flagStore", null).body());
		assertThat(health.get("status").stringValue()).isEqualTo("DOWN");
		assertThat(health.at("/details/lastError").stringValue()).isNotBlank();
		assertThat(gauge("flagstore.store.available")).isEqualTo(0.0);
		// Cached reads are still answered.
		assertThat(send("GET", "/api/flags/search-v2", null).statusCode()).isEqualTo(200);

		assertThat(send("DELETE", "/api/demo/outage", null).statusCode()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", "/actuator/health", null).statusCode() == 200);
		// refreshNeeded made flagstore ask the file source to resync: it wrote the file's flags again.
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			JsonNode status = this.json.readTree(send("GET", "/api/status", null).body());
			assertThat(status.at("/status/available").booleanValue()).isTrue();
			assertThat(status.at("/status/refreshNeeded").booleanValue()).isFalse();
			assertThat(status.get("history").findValuesAsString("available")).isNotNull();
			assertThat(status.get("history").toString()).contains("\"refreshNeeded\":true");
		});
		assertThat(this.json.readTree(send("GET", "/api/flags/dark-mode", null).body()).get("on").booleanValue())
			.isFalse();
		// The source kept working through the store's outage, and says the store failed it.
		JsonNode source = this.json.readTree(send("GET", "/api/status", null).body()).get("source");
		assertThat(source.get("state").stringValue()).isEqualTo("VALID");
		assertThat(gauge("flagstore.store.available")).isEqualTo(1.0);
	}

	private double gauge(String name) throws Exception {
		return gauge(name, null);
	}

	private double gauge(String name, String state) throws Exception {
		String query = (state != null) ? "?tag=state:" + state : "";
		JsonNode metric = this.json.readTree(send("GET", "/actuator/metrics/" + name + query, null).body());
		return metric.at("/measurements/0/value").doubleValue();
	}

	private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json");
		request.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
				: HttpRequest.BodyPublishers.noBody());
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
