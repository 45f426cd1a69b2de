package dev.flagstore.benchmarks;

import java.time.Duration;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.launchdarkly.sdk.server.Components;
import com.launchdarkly.sdk.server.DataModel;
import com.launchdarkly.sdk.server.integrations.PersistentDataStoreBuilder;
import com.launchdarkly.sdk.server.subsystems.ClientContext;
import com.launchdarkly.sdk.server.subsystems.DataStore;
import com.launchdarkly.sdk.server.subsystems.DataStoreTypes.DataKind;
import com.launchdarkly.sdk.server.subsystems.DataStoreTypes.FullDataSet;
import com.launchdarkly.sdk.server.subsystems.DataStoreTypes.ItemDescriptor;
import com.launchdarkly.sdk.server.subsystems.DataStoreTypes.KeyedItems;
import com.launchdarkly.sdk.server.subsystems.DataStoreUpdateSink;
import org.jspecify.annotations.Nullable;

/**
 * Builds LaunchDarkly's persistent-store wrapper the way an application does, through the SDK's public API
 * ({@link Components#persistentDataStore}), over {@link LdMapPersistentStore}, and fills it with {@link FlagData}
 * decoded by the SDK's own flag model ({@link DataModel#FEATURES}).
 */
final class LdStores {

	/** The kind the LaunchDarkly stores hold. */
	static final DataKind FEATURES = DataModel.FEATURES;

	private LdStores() {
	}

	/**
	 * An initialized LaunchDarkly wrapper.
	 * @param cacheTtl the cache time; {@code null} caches forever
	 */
	static DataStore persistent(LdMapPersistentStore core, @Nullable Duration cacheTtl) {
		PersistentDataStoreBuilder builder = Components.persistentDataStore(context -> core);
		if (cacheTtl == null) {
			builder.cacheForever();
		}
		else {
			builder.cacheTime(cacheTtl);
		}
		DataStore store = builder.build(new BenchmarkClientContext());
		store.init(fullDataSet());
		return store;
	}

	/** LaunchDarkly's in-memory store (the SDK's default), initialized. */
	static DataStore inMemory() {
		DataStore store = Components.inMemoryDataStore().build(new BenchmarkClientContext());
		store.init(fullDataSet());
		return store;
	}

	static FullDataSet<ItemDescriptor> fullDataSet() {
		List<Map.Entry<String, ItemDescriptor>> items = new ArrayList<>();
		FlagData.get().json().forEach((key, json) -> items.add(new SimpleImmutableEntry<>(key, FEATURES.deserialize(json))));
		return new FullDataSet<>(List.of(new SimpleImmutableEntry<>(FEATURES, new KeyedItems<>(items))));
	}

	/**
	 * The SDK's test context with a status sink: the wrapper needs one (the client normally supplies it), and
	 * status updates are not what these benchmarks measure on the LaunchDarkly side.
	 */
	private static final class BenchmarkClientContext extends ClientContext {

		private final DataStoreUpdateSink sink = status -> {
		};

		BenchmarkClientContext() {
			super("benchmark-sdk-key");
		}

		@Override
		public DataStoreUpdateSink getDataStoreUpdateSink() {
			return this.sink;
		}

	}

}
