package dev.flagstore.spring.endpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.flagstore.source.FlagSource;
import dev.flagstore.source.FlagSourceStatusProvider;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.DataStoreException;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.PersistentDataStoreWrapper;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

/**
 * The Actuator endpoint {@code flagstore}: what the store and the flag source are configured with, their status and
 * recent transitions, cache statistics and item counts ({@code GET /actuator/flagstore}); a kind's keys and versions
 * ({@code GET /actuator/flagstore/{kind}?page=0&size=100}); one item ({@code GET /actuator/flagstore/{kind}/{key}}).
 *
 * <p>With {@code flagstore.endpoint.write.enabled=true} it also writes through the {@link DataStore}, so caches,
 * status and events follow: {@code POST /actuator/flagstore/{kind}/{key}} with {@code {"version": N, "item": {...}}},
 * and {@code DELETE /actuator/flagstore/{kind}/{key}?version=N}. A write of a version the store already has (or
 * exceeds) answers {@code 409} with the stored version; writes that are off answer {@code 403}. Secure the endpoint
 * as any other Actuator endpoint (docs/endpoint.md). Nothing it shows holds a secret: stores and sources describe
 * themselves without credentials.
 */
@WebEndpoint(id = "flagstore")
public class FlagstoreEndpoint {

	/** The page size of {@code /actuator/flagstore/{kind}} when none is asked for. */
	public static final int DEFAULT_PAGE_SIZE = 100;

	/** The largest page size answered. */
	public static final int MAX_PAGE_SIZE = 1000;

	private final DataStore store;

	private final Supplier<List<DataKind>> kinds;

	private final StatusTransitions transitions;

	private final @Nullable FlagSource source;

	private final @Nullable FlagSourceStatusProvider sourceStatus;

	private final boolean writesEnabled;

	private final JsonMapper mapper = JsonMapper.builder().build();

	/**
	 * Creates the endpoint.
	 * @param store the application's data store
	 * @param kinds the application's kinds (its {@link DataKind} beans), asked for on each request
	 * @param transitions the recorded status transitions
	 * @param source the flag source, or {@code null}
	 * @param sourceStatus the flag source's status, or {@code null}
	 * @param writesEnabled whether {@code POST} and {@code DELETE} write ({@code flagstore.endpoint.write.enabled})
	 */
	public FlagstoreEndpoint(DataStore store, Supplier<List<DataKind>> kinds, StatusTransitions transitions,
			@Nullable FlagSource source, @Nullable FlagSourceStatusProvider sourceStatus, boolean writesEnabled) {
		this.store = Objects.requireNonNull(store, "store");
		this.kinds = Objects.requireNonNull(kinds, "kinds");
		this.transitions = Objects.requireNonNull(transitions, "transitions");
		this.source = source;
		this.sourceStatus = sourceStatus;
		this.writesEnabled = writesEnabled;
	}

	/**
	 * {@code GET /actuator/flagstore}: configuration, status with recent transitions, caches, item counts per kind.
	 * @return the overview
	 */
	@ReadOperation
	public Map<String, Object> overview() {
		Map<String, Object> overview = new LinkedHashMap<>();
		overview.put("configuration", configuration(this.store, this.source));
		Map<String, Object> storeSection = new LinkedHashMap<>();
		storeSection.put("monitoringEnabled", this.store.isStatusMonitoringEnabled());
		storeSection.put("status", StatusTransitions.describe(this.store.getStatusProvider().getStatus()));
		storeSection.put("transitions", this.transitions.store());
		overview.put("store", storeSection);
		if (this.sourceStatus != null) {
			Map<String, Object> sourceSection = new LinkedHashMap<>();
			sourceSection.put("status", StatusTransitions.describe(this.sourceStatus.getStatus()));
			sourceSection.put("transitions", this.transitions.source());
			overview.put("source", sourceSection);
		}
		if (this.store instanceof PersistentDataStoreWrapper wrapper && !wrapper.getCaches().isEmpty()) {
			Map<String, Object> caches = new LinkedHashMap<>();
			wrapper.getCaches().forEach((name, cache) -> caches.put(name, describe(cache)));
			overview.put("caches", caches);
		}
		Map<String, Object> counts = new LinkedHashMap<>();
		for (DataKind kind : this.kinds.get()) {
			counts.put(kind.getName(), count(kind));
		}
		overview.put("kinds", counts);
		return overview;
	}

	/**
	 * The configuration section: what the store and the source say of themselves.
	 * @param store the data store
	 * @param source the flag source, or {@code null}
	 * @return {@code store} and, with a source, {@code source}
	 */
	static Map<String, Object> configuration(DataStore store, @Nullable FlagSource source) {
		Map<String, Object> configuration = new LinkedHashMap<>();
		configuration.put("store", describe(store::describeConfiguration));
		if (source != null) {
			configuration.put("source", describe(source::describeConfiguration));
		}
		return configuration;
	}

	private static Map<String, Object> describe(Supplier<Map<String, Object>> description) {
		try {
			return description.get();
		}
		catch (RuntimeException ex) {
			return Map.of("error", "describeConfiguration() failed: " + ex.getClass().getSimpleName());
		}
	}

	private static Map<String, Object> describe(Cache<?, ?> cache) {
		CacheStats stats = cache.stats();
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("size", cache.estimatedSize());
		description.put("hits", stats.hitCount());
		description.put("misses", stats.missCount());
		description.put("hitRate", stats.hitRate());
		description.put("loads", stats.loadCount());
		description.put("loadFailures", stats.loadFailureCount());
		return description;
	}

	private Map<String, Object> count(DataKind kind) {
		Map<String, Object> count = new LinkedHashMap<>();
		try {
			Map<String, ItemDescriptor> items = this.store.getAll(kind).items();
			long deleted = items.values().stream().filter(ItemDescriptor::isDeleted).count();
			count.put("items", items.size() - deleted);
			count.put("deleted", deleted);
		}
		catch (DataStoreException ex) {
			count.put("error", ex.getMessage());
		}
		return count;
	}

	/**
	 * {@code GET /actuator/flagstore/{kind}}: the kind's keys with their versions, in key order, a page at a time.
	 * Deleted items (tombstones) are listed with {@code "deleted": true}.
	 * @param kind the kind's name
	 * @param page the page, from 0 (default 0)
	 * @param size the page size (default {@value #DEFAULT_PAGE_SIZE}, at most {@value #MAX_PAGE_SIZE})
	 * @return the page; 404 for an unknown kind, 400 for a bad page or size, 503 if the store fails
	 */
	@ReadOperation
	public WebEndpointResponse<Map<String, Object>> items(@Selector String kind, @Nullable Integer page,
			@Nullable Integer size) {
		DataKind dataKind = kind(kind);
		if (dataKind == null) {
			return unknownKind(kind);
		}
		int pageNumber = (page != null) ? page : 0;
		int pageSize = (size != null) ? size : DEFAULT_PAGE_SIZE;
		if (pageNumber < 0 || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, "page must be 0 or more and size between 1 and "
					+ MAX_PAGE_SIZE + " (got page=" + pageNumber + ", size=" + pageSize + ")");
		}
		Map<String, ItemDescriptor> all;
		try {
			all = new TreeMap<>(this.store.getAll(dataKind).items());
		}
		catch (DataStoreException ex) {
			return error(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE, ex.getMessage());
		}
		List<Map<String, Object>> listed = new ArrayList<>();
		all.entrySet().stream().skip((long) pageNumber * pageSize).limit(pageSize).forEach(entry -> {
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("key", entry.getKey());
			row.put("version", entry.getValue().version());
			if (entry.getValue().isDeleted()) {
				row.put("deleted", true);
			}
			listed.add(row);
		});
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("kind", dataKind.getName());
		body.put("page", pageNumber);
		body.put("size", pageSize);
		body.put("total", all.size());
		body.put("items", listed);
		return new WebEndpointResponse<>(body);
	}

	/**
	 * {@code GET /actuator/flagstore/{kind}/{key}}: one item, with its version, as its kind serializes it.
	 * @param kind the kind's name
	 * @param key the item's key
	 * @return the item; 404 for an unknown kind or key (a deleted item answers with {@code "deleted": true}), 503 if
	 * the store fails
	 */
	@ReadOperation
	public WebEndpointResponse<Map<String, Object>> item(@Selector String kind, @Selector String key) {
		DataKind dataKind = kind(kind);
		if (dataKind == null) {
			return unknownKind(kind);
		}
		ItemDescriptor item;
		try {
			item = this.store.get(dataKind, key);
		}
		catch (DataStoreException ex) {
			return error(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE, ex.getMessage());
		}
		if (item == null) {
			return error(WebEndpointResponse.STATUS_NOT_FOUND,
					"No item '" + key + "' of kind '" + dataKind.getName() + "'");
		}
		return new WebEndpointResponse<>(describe(dataKind, key, item));
	}

	private Map<String, Object> describe(DataKind kind, String key, ItemDescriptor item) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("kind", kind.getName());
		body.put("key", key);
		body.put("version", item.version());
		if (item.isDeleted()) {
			body.put("deleted", true);
			return body;
		}
		String serialized = kind.serialize(item);
		try {
			body.put("item", this.mapper.readValue(serialized, Object.class));
		}
		catch (JacksonException ex) {
			// A kind with its own, non-JSON format: shown as it is stored.
			body.put("item", serialized);
		}
		return body;
	}

	/**
	 * {@code POST /actuator/flagstore/{kind}/{key}} with {@code {"version": N, "item": {...}}}: writes the item
	 * through the data store (only with {@code flagstore.endpoint.write.enabled=true}). Served by
	 * {@link FlagstoreEndpointWriteHandlerMapping} (Spring MVC): Actuator's own operations take flat bodies only, and
	 * an item is a JSON object.
	 * @param kind the kind's name
	 * @param key the item's key
	 * @param version the item's new version
	 * @param item the item, as its kind's JSON (the version is taken from {@code version})
	 * @return 200 with the item written; 403 when writes are off, 404 for an unknown kind, 400 for an item its kind
	 * rejects, 409 with {@code storedVersion} when the store already has that version or a later one, 503 if the store
	 * fails
	 */
	public WebEndpointResponse<Map<String, Object>> write(@Selector String kind, @Selector String key, int version,
			Map<String, Object> item) {
		WebEndpointResponse<Map<String, Object>> refused = checkWrite(kind, version);
		if (refused != null) {
			return refused;
		}
		DataKind dataKind = Objects.requireNonNull(kind(kind));
		if (item.get("key") instanceof String itemKey && !itemKey.equals(key)) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST,
					"The item's key '" + itemKey + "' is not the key of the path, '" + key + "'");
		}
		ItemDescriptor descriptor;
		try {
			ObjectNode node = this.mapper.valueToTree(item);
			node.put("version", version);
			descriptor = dataKind.deserialize(this.mapper.writeValueAsString(node));
		}
		catch (RuntimeException ex) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST,
					"The item is not a valid '" + dataKind.getName() + "': " + ex.getMessage());
		}
		if (descriptor.version() != version) {
			descriptor = new ItemDescriptor(version, descriptor.item());
		}
		return apply(dataKind, key, descriptor);
	}

	/**
	 * {@code DELETE /actuator/flagstore/{kind}/{key}?version=N}: deletes the item at version {@code N} (a tombstone,
	 * through the data store; only with {@code flagstore.endpoint.write.enabled=true}).
	 * @param kind the kind's name
	 * @param key the item's key
	 * @param version the version of the deletion
	 * @return as {@link #write}
	 */
	@DeleteOperation
	public WebEndpointResponse<Map<String, Object>> delete(@Selector String kind, @Selector String key, int version) {
		WebEndpointResponse<Map<String, Object>> refused = checkWrite(kind, version);
		if (refused != null) {
			return refused;
		}
		return apply(Objects.requireNonNull(kind(kind)), key, ItemDescriptor.deleted(version));
	}

	private @Nullable WebEndpointResponse<Map<String, Object>> checkWrite(String kind, int version) {
		if (!this.writesEnabled) {
			return error(403, "Writes through the flagstore endpoint are off; set flagstore.endpoint.write.enabled=true "
					+ "to allow them (and secure the endpoint)");
		}
		if (kind(kind) == null) {
			return unknownKind(kind);
		}
		if (version < 0) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, "version must not be negative: " + version);
		}
		return null;
	}

	private WebEndpointResponse<Map<String, Object>> apply(DataKind kind, String key, ItemDescriptor item) {
		boolean applied;
		try {
			applied = this.store.upsert(kind, key, item);
		}
		catch (DataStoreException ex) {
			return error(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE, ex.getMessage());
		}
		if (!applied) {
			ItemDescriptor stored = null;
			try {
				stored = this.store.get(kind, key);
			}
			catch (DataStoreException ex) {
				// The conflict stands; the stored version is not known.
			}
			Map<String, Object> body = errorBody(409, "The store already has version "
					+ ((stored != null) ? stored.version() : "≥ " + item.version()) + " of '" + key
					+ "'; send a higher version");
			if (stored != null) {
				body.put("storedVersion", stored.version());
			}
			return new WebEndpointResponse<>(body, 409);
		}
		return new WebEndpointResponse<>(describe(kind, key, item));
	}

	private @Nullable DataKind kind(String name) {
		for (DataKind kind : this.kinds.get()) {
			if (kind.getName().equals(name)) {
				return kind;
			}
		}
		return null;
	}

	private WebEndpointResponse<Map<String, Object>> unknownKind(String kind) {
		List<String> known = this.kinds.get().stream().map(DataKind::getName).toList();
		return error(WebEndpointResponse.STATUS_NOT_FOUND, "No kind '" + kind + "'; known kinds: " + known);
	}

	private static WebEndpointResponse<Map<String, Object>> error(int status, @Nullable String message) {
		return new WebEndpointResponse<>(errorBody(status, message), status);
	}

	private static Map<String, Object> errorBody(int status, @Nullable String message) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("status", status);
		body.put("error", (message != null) ? message : "unknown error");
		return body;
	}

}
