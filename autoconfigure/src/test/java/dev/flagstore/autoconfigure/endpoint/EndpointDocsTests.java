package dev.flagstore.autoconfigure.endpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.flagstore.autoconfigure.endpoint.FlagstoreEndpointHttpTests.Flag;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The examples of docs/endpoint.md are real answers: each {@code <!-- endpoint-example: METHOD PATH STATUS -->}
 * marker is followed by the request body (for {@code POST}) and the response, as {@code json} blocks; this test
 * sends each request, in the document's order, to an application with the JDBC store on H2 and compares the answer
 * with the documented one. Times, cache counters and the H2 version, which differ from run to run or upgrade to
 * upgrade, are compared by presence only.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=flagstore,info", "flagstore.store.type=jdbc",
				"spring.datasource.url=jdbc:h2:mem:endpoint-docs;DB_CLOSE_DELAY=-1",
				"management.info.flagstore.enabled=true", "flagstore.endpoint.write.enabled=true",
				// Spring Security is on this module's test class path for FlagstoreEndpointSecurityTests only.
				"spring.autoconfigure.exclude=org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
				"management.health.redis.enabled=false" })
@AutoConfigureRestTestClient
class EndpointDocsTests {

	private static final Path DOC = Path.of("..", "docs", "endpoint.md");

	private static final Pattern MARKER = Pattern
		.compile("^<!--\\s*endpoint-example:\\s*(GET|POST|DELETE)\\s+(\\S+)\\s+(\\d{3})\\s*-->$");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	private RestTestClient rest;

	@Autowired
	private DataStore store;

	record Example(HttpMethod method, String path, int status, String request, String response, int line) {
	}

	static List<Example> examples() throws IOException {
		List<String> lines = Files.readAllLines(DOC);
		List<Example> examples = new ArrayList<>();
		for (int i = 0; i < lines.size(); i++) {
			Matcher marker = MARKER.matcher(lines.get(i).trim());
			if (!marker.matches()) {
				continue;
			}
			HttpMethod method = HttpMethod.valueOf(marker.group(1));
			List<String> blocks = new ArrayList<>();
			int j = i + 1;
			int wanted = (method == HttpMethod.POST) ? 2 : 1;
			while (blocks.size() < wanted && j < lines.size()) {
				if (lines.get(j).trim().equals("```json")) {
					StringBuilder block = new StringBuilder();
					j++;
					while (!lines.get(j).trim().equals("```")) {
						block.append(lines.get(j)).append('\n');
						j++;
					}
					blocks.add(block.toString());
				}
				else if (MARKER.matcher(lines.get(j).trim()).matches()) {
					break;
				}
				j++;
			}
			assertThat(blocks).as("json blocks after the marker at line %d", i + 1).hasSize(wanted);
			examples.add(new Example(method, marker.group(2), Integer.parseInt(marker.group(3)),
					(wanted == 2) ? blocks.get(0) : null, blocks.get(wanted - 1), i + 1));
		}
		return examples;
	}

	@Test
	void everyExampleShouldBeWhatTheEndpointAnswers() throws IOException {
		this.store.init(new FullDataSet<>(Map.of(FlagstoreEndpointHttpTests.FEATURES,
				new KeyedItems<>(Map.of("checkout", new ItemDescriptor(3, new Flag("checkout", true)), "search",
						new ItemDescriptor(1, new Flag("search", false)))),
				FlagstoreEndpointHttpTests.SEGMENTS, new KeyedItems<>(Map.of()))));
		List<Example> examples = examples();
		assertThat(examples).as("examples in %s", DOC).hasSizeGreaterThanOrEqualTo(6);
		List<String> mismatches = new ArrayList<>();
		for (Example example : examples) {
			RestTestClient.RequestBodySpec request = this.rest.method(example.method()).uri(example.path());
			if (example.request() != null) {
				request.contentType(MediaType.APPLICATION_JSON).body(example.request());
			}
			var result = request.exchange().returnResult(String.class);
			String body = result.getResponseBody();
			JsonNode answer = JSON.readTree(body);
			if (result.getStatus().value() != example.status()
					|| !normalize(answer.deepCopy()).equals(normalize(JSON.readTree(example.response())))) {
				mismatches.add(String.format("%s %s (line %d) answered %d:%n%s", example.method(), example.path(),
						example.line(), result.getStatus().value(),
						JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer)));
			}
		}
		assertThat(mismatches).as("examples of %s that differ from what the endpoint answers", DOC).isEmpty();
	}

	/** Times and counters vary between runs: keep that they are there, not their values. */
	private static JsonNode normalize(JsonNode node) {
		if (node instanceof ObjectNode object) {
			for (String name : new ArrayList<>(object.propertyNames())) {
				JsonNode value = object.get(name);
				if (List.of("since", "seen", "time").contains(name) && value.isString()) {
					object.put(name, "<time>");
				}
				else if (name.equals("caches") || name.equals("productVersion")) {
					object.put(name, "<" + name + ">");
				}
				else {
					normalize(value);
				}
			}
		}
		else if (node.isArray()) {
			node.forEach(EndpointDocsTests::normalize);
		}
		return node;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class DocsApplication {

		@Bean
		DataKind features() {
			return FlagstoreEndpointHttpTests.FEATURES;
		}

		@Bean
		DataKind segments() {
			return FlagstoreEndpointHttpTests.SEGMENTS;
		}

	}

}
