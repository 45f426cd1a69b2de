package dev.flagstore.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.flagstore.store.DataStore;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.spring.DataStoreStatusChangedEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.event.EventListener;
import org.springframework.core.io.Resource;
import org.springframework.stereotype.Component;

/**
 * The application's source of truth for flags, standing in for the service that feeds a flag store (in the
 * LaunchDarkly SDKs, the data source). It loads the flags from a JSON file at start-up, writes every change
 * through the {@link DataStore}, and writes the whole data set again when flagstore says the store needs a
 * refresh after an outage.
 */
@Component
public class FlagSource implements ApplicationRunner {

	private static final Logger logger = LoggerFactory.getLogger(FlagSource.class);

	private final DataStore store;

	private final JsonMapper jsonMapper;

	private final Resource flagsFile;

	/** The flags as this source knows them; guarded by {@code this}. */
	private final Map<String, ItemDescriptor> flags = new LinkedHashMap<>();

	FlagSource(DataStore store, JsonMapper jsonMapper, @Value("${sample.flags-file}") Resource flagsFile) {
		this.store = store;
		this.jsonMapper = jsonMapper;
		this.flagsFile = flagsFile;
	}

	@Override
	public void run(ApplicationArguments args) {
		List<Flag> initial;
		try (InputStream in = this.flagsFile.getInputStream()) {
			initial = this.jsonMapper.readValue(in, new TypeReference<List<Flag>>() {
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read flags from " + this.flagsFile, ex);
		}
		synchronized (this) {
			initial.forEach(flag -> this.flags.put(flag.key(), new ItemDescriptor(flag.version(), flag)));
		}
		logger.info("Loaded {} flags from {}", initial.size(), this.flagsFile.getDescription());
		resync();
	}

	/**
	 * Changes a flag: the next version, written through the store.
	 * @param key the flag's key
	 * @param on whether it is on
	 * @param description its description, or {@code null} to keep the current one
	 * @return the new flag
	 */
	public Flag update(String key, boolean on, @Nullable String description) {
		ItemDescriptor next;
		synchronized (this) {
			ItemDescriptor current = this.flags.get(key);
			int version = (current != null) ? current.version() + 1 : 1;
			String text = (description != null) ? description
					: (current != null && current.item() instanceof Flag flag) ? flag.description() : null;
			next = new ItemDescriptor(version, new Flag(key, version, on, text));
			this.flags.put(key, next);
		}
		// tag::upsert-one[]
		this.store.upsert(Flag.KIND, key, next);
		// end::upsert-one[]
		return (Flag) next.item();
	}

	/**
	 * Deletes a flag: a tombstone at the next version, written through the store.
	 * @param key the flag's key
	 * @return the version of the deletion
	 */
	public int delete(String key) {
		int version;
		synchronized (this) {
			ItemDescriptor current = this.flags.get(key);
			version = (current != null) ? current.version() + 1 : 1;
			this.flags.put(key, ItemDescriptor.deleted(version));
		}
		this.store.delete(Flag.KIND, key, version);
		return version;
	}

	/** Re-syncs the store after an outage that may have lost writes. */
	// tag::resync-on-refresh-needed[]
	@EventListener(condition = "#event.status.refreshNeeded")
	public void onRefreshNeeded(DataStoreStatusChangedEvent event) {
		logger.info("The flag store may have missed changes during an outage: writing all flags again");
		resync();
	}
	// end::resync-on-refresh-needed[]

	/** Writes every flag to the store with one {@code init}. */
	public void resync() {
		Map<String, ItemDescriptor> snapshot;
		synchronized (this) {
			snapshot = new LinkedHashMap<>(this.flags);
		}
		try {
			// tag::init-all[]
			this.store.init(new FullDataSet<>(Map.of(Flag.KIND, new KeyedItems<>(snapshot))));
			// end::init-all[]
		}
		catch (RuntimeException ex) {
			logger.warn("Could not write the flags to the store ({}); flagstore will report when it is back",
					ex.getMessage());
		}
	}

}
