package dev.flagstore.spring.endpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.util.UriUtils;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.servlet.handler.AbstractHandlerMapping;

/**
 * Serves {@code POST <endpoint path>/{kind}/{key}} of the {@code flagstore} endpoint with
 * {@link FlagstoreEndpoint#write}: Actuator's operations read flat bodies only ({@code Map<String, String>}), and the
 * body here is {@code {"version": N, "item": {...}}}. Ahead of Actuator's own mapping (which would answer
 * {@code 405}), on the same path, so that what secures the endpoint ({@code EndpointRequest.to("flagstore")})
 * secures this too. Spring MVC only.
 */
public class FlagstoreEndpointWriteHandlerMapping extends AbstractHandlerMapping {

	/** Ahead of Actuator's web endpoint mapping (order -100). */
	public static final int ORDER = -110;

	private final String endpointPath;

	private final FlagstoreEndpoint endpoint;

	private final boolean writable;

	private final JsonMapper mapper = JsonMapper.builder().build();

	/**
	 * Creates the mapping.
	 * @param endpointPath the endpoint's path within the application, {@code /actuator/flagstore} by default
	 * @param endpoint the endpoint that writes
	 * @param writable whether Actuator grants the endpoint unrestricted access (else a {@code POST} is left to
	 * Actuator, which refuses it as it refuses the endpoint's {@code DELETE})
	 */
	public FlagstoreEndpointWriteHandlerMapping(String endpointPath, FlagstoreEndpoint endpoint, boolean writable) {
		this.endpointPath = endpointPath.endsWith("/") ? endpointPath.substring(0, endpointPath.length() - 1)
				: endpointPath;
		this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
		this.writable = writable;
		setOrder(ORDER);
	}

	@Override
	protected @Nullable Object getHandlerInternal(HttpServletRequest request) {
		if (!this.writable || !"POST".equals(request.getMethod())) {
			return null;
		}
		String path = initLookupPath(request);
		if (!path.startsWith(this.endpointPath + "/")) {
			return null;
		}
		String[] segments = path.substring(this.endpointPath.length() + 1).split("/", -1);
		if (segments.length != 2 || segments[0].isEmpty() || segments[1].isEmpty()) {
			return null;
		}
		String kind;
		String key;
		try {
			// Path decoding, as Actuator decodes the GET and DELETE selectors ('+' stays '+').
			kind = UriUtils.decode(segments[0], StandardCharsets.UTF_8);
			key = UriUtils.decode(segments[1], StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
		return (HttpRequestHandler) (req, res) -> write(kind, key, req, res);
	}

	private void write(String kind, String key, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		WebEndpointResponse<Map<String, Object>> answer;
		if (!isJson(request.getContentType())) {
			// Only JSON, as Actuator's own operations: a text/plain or form POST is a "simple" cross-origin request
			// (no CORS preflight), which a page on another site can make with the operator's credentials.
			Map<String, Object> refused = new LinkedHashMap<>();
			refused.put("status", 415);
			refused.put("error", "The body must be sent as application/json");
			respond(response, new WebEndpointResponse<>(refused, 415));
			return;
		}
		JsonNode body;
		try {
			body = this.mapper.readTree(request.getInputStream());
		}
		catch (JacksonException ex) {
			body = null;
		}
		if (body == null || !body.isObject()) {
			answer = badRequest("The body must be a JSON object: {\"version\": N, \"item\": {...}}");
		}
		else if (body.get("version") == null || !body.get("version").isIntegralNumber()
				|| !body.get("version").canConvertToInt()) {
			answer = badRequest("The body needs an integer 'version': {\"version\": N, \"item\": {...}}");
		}
		else if (body.get("item") == null || !body.get("item").isObject()) {
			answer = badRequest("The body needs an object 'item': {\"version\": N, \"item\": {...}}");
		}
		else {
			@SuppressWarnings("unchecked")
			Map<String, Object> item = this.mapper.treeToValue(body.get("item"), Map.class);
			answer = this.endpoint.write(kind, key, body.get("version").intValue(), item);
		}
		respond(response, answer);
	}

	private static boolean isJson(@Nullable String contentType) {
		if (contentType == null) {
			return false;
		}
		try {
			MediaType type = MediaType.parseMediaType(contentType);
			return MediaType.APPLICATION_JSON.isCompatibleWith(type)
					|| ("application".equals(type.getType()) && type.getSubtype().endsWith("+json"));
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
	}

	private void respond(HttpServletResponse response, WebEndpointResponse<Map<String, Object>> answer)
			throws IOException {
		response.setStatus(answer.getStatus());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		this.mapper.writeValue(response.getOutputStream(), answer.getBody());
	}

	private static WebEndpointResponse<Map<String, Object>> badRequest(String message) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("status", WebEndpointResponse.STATUS_BAD_REQUEST);
		body.put("error", message);
		return new WebEndpointResponse<>(body, WebEndpointResponse.STATUS_BAD_REQUEST);
	}

}
