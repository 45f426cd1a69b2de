package dev.flagstore.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.flagstore.source.FlagSourceErrorInfo;
import dev.flagstore.source.FlagSourceStatus;
import dev.flagstore.source.FlagSourceStatusProvider;
import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusProvider;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.DataStoreException;
import dev.flagstore.store.ItemDescriptor;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The sample's REST API: flags read through the {@link DataStore}, changes written through it too, the store's and the
 * flag source's status, and (when enabled) a switch that simulates a store outage.
 *
 * <p>The flags file is the source of truth (flagstore's file source loads it into the store, and again after each
 * edit and after an outage that needs a re-sync). A change made here is an upsert with the next version: it lasts
 * until the file source next writes the data set, that is until the file changes, the store needs a re-sync, or the
 * application restarts. To keep a change, edit the file.
 */
@RestController
@RequestMapping("/api")
class FlagController {

	private final DataStore store;

	private final DataStoreStatusProvider statusProvider;

	private final ObjectProvider<FlagSourceStatusProvider> sourceStatus;

	private final StatusHistory history;

	private final ObjectProvider<SimulatedOutage> outage;

	FlagController(DataStore store, DataStoreStatusProvider statusProvider,
			ObjectProvider<FlagSourceStatusProvider> sourceStatus, StatusHistory history,
			ObjectProvider<SimulatedOutage> outage) {
		this.store = store;
		this.statusProvider = statusProvider;
		this.sourceStatus = sourceStatus;
		this.history = history;
		this.outage = outage;
	}

	/** Body of a flag update. */
	record FlagUpdate(boolean on, @Nullable String description) {
	}

	// tag::read-flags[]
	@GetMapping("/flags")
	List<Flag> flags() {
		return this.store.getAll(Flag.KIND)
			.items()
			.values()
			.stream()
			.filter(item -> !item.isDeleted())
			.map(item -> (Flag) item.item())
			.toList();
	}
	// end::read-flags[]

	@GetMapping("/flags/{key}")
	ResponseEntity<Flag> flag(@PathVariable String key) {
		ItemDescriptor item = this.store.get(Flag.KIND, key);
		return (item == null || item.isDeleted()) ? ResponseEntity.notFound().build()
				: ResponseEntity.ok((Flag) item.item());
	}

	/** Changes a flag in the store: the next version after the stored one (see the class comment). */
	@PutMapping("/flags/{key}")
	Flag update(@PathVariable String key, @RequestBody FlagUpdate update) {
		ItemDescriptor current = this.store.get(Flag.KIND, key);
		int version = (current != null) ? current.version() + 1 : 1;
		String description = (update.description() != null) ? update.description()
				: (current != null && current.item() instanceof Flag flag) ? flag.description() : null;
		ItemDescriptor next = new ItemDescriptor(version, new Flag(key, version, update.on(), description));
		// tag::upsert-one[]
		this.store.upsert(Flag.KIND, key, next);
		// end::upsert-one[]
		return (Flag) next.item();
	}

	/** Deletes a flag in the store: a tombstone at the next version (until the file source next writes). */
	@DeleteMapping("/flags/{key}")
	ResponseEntity<Void> delete(@PathVariable String key) {
		ItemDescriptor current = this.store.get(Flag.KIND, key);
		this.store.delete(Flag.KIND, key, (current != null) ? current.version() + 1 : 1);
		return ResponseEntity.noContent().build();
	}

	@GetMapping("/status")
	Map<String, Object> status() {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("status", describe(this.statusProvider.getStatus()));
		body.put("monitoringEnabled", this.statusProvider.isStatusMonitoringEnabled());
		FlagSourceStatusProvider source = this.sourceStatus.getIfAvailable();
		body.put("source", (source != null) ? describe(source.getStatus()) : null);
		SimulatedOutage switchable = this.outage.getIfAvailable();
		body.put("simulatedOutage", (switchable != null) ? switchable.isDown() : null);
		body.put("history", this.history.changes().stream().map(FlagController::describe).toList());
		body.put("sourceHistory", this.history.sourceChanges().stream().map(FlagController::describe).toList());
		return body;
	}

	@PostMapping("/demo/outage")
	ResponseEntity<Map<String, Object>> startOutage() {
		return setOutage(true);
	}

	@DeleteMapping("/demo/outage")
	ResponseEntity<Map<String, Object>> endOutage() {
		return setOutage(false);
	}

	private ResponseEntity<Map<String, Object>> setOutage(boolean down) {
		SimulatedOutage switchable = this.outage.getIfAvailable();
		if (switchable == null) {
			return ResponseEntity.status(HttpStatus.NOT_FOUND)
				.body(Map.of("error", "set sample.demo.outage-endpoint.enabled=true to simulate outages"));
		}
		switchable.setDown(down);
		return ResponseEntity.ok(Map.of("simulatedOutage", down));
	}

	@ExceptionHandler(DataStoreException.class)
	ResponseEntity<Map<String, Object>> storeFailed(DataStoreException ex) {
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.body(Map.of("error", "flag store unavailable: " + ex.getMessage()));
	}

	private static Map<String, Object> describe(DataStoreStatus status) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("available", status.isAvailable());
		body.put("refreshNeeded", status.isRefreshNeeded());
		body.put("since", status.getSince().toString());
		body.put("lastError", status.getLastError());
		return body;
	}

	private static Map<String, Object> describe(FlagSourceStatus status) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("state", status.getState().name());
		body.put("since", status.getStateSince().toString());
		FlagSourceErrorInfo error = status.getLastError();
		body.put("lastError", (error != null) ? error.kind() + ": " + error.message() : null);
		return body;
	}

}
