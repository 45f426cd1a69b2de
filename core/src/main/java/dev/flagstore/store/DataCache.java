package dev.flagstore.store;

import java.util.Map;
import java.util.Optional;
import java.util.function.BinaryOperator;

import com.github.benmanes.caffeine.cache.Cache;
import org.jspecify.annotations.Nullable;

/**
 * The wrapper's cache, one implementation per {@link CacheMode}: it answers reads (loading through the store
 * where it must) and takes what the writes did. Writers call the update methods while holding the wrapper's write
 * lock (shared for upserts, exclusive for {@code init}); reads take no lock.
 */
interface DataCache {

	/** Keeps the higher version; a present item wins over an absent one. */
	BinaryOperator<Optional<ItemDescriptor>> NEWER_ITEM = (old, candidate) -> (old.isPresent()
			&& (candidate.isEmpty() || old.get().version() >= candidate.get().version())) ? old : candidate;

	/** Reads one item; see {@link DataStore#get}. */
	@Nullable ItemDescriptor get(DataKind kind, String key);

	/** Reads all items of a kind; see {@link DataStore#getAll}. */
	KeyedItems<ItemDescriptor> getAll(DataKind kind);

	/** An {@code init} reached the store: the cache holds exactly this data set (exclusive lock held). */
	void replace(FullDataSet<ItemDescriptor> data);

	/** An upsert of {@code item} was applied by the store (shared lock held). */
	void written(DataKind kind, String key, ItemDescriptor item);

	/**
	 * An upsert was rejected as older: the store holds this version or a newer one, which the cache takes (read
	 * without making the writer wait).
	 */
	void rejected(DataKind kind, String key);

	/**
	 * The store no longer holds the item (another instance's {@code init} removed it, a change feed says): the
	 * cache forgets it, so the next read asks the store (shared lock held). Only the remote-change hook calls it.
	 */
	void invalidate(DataKind kind, String key);

	/** The caches, by name, for statistics and metrics; empty for no cache. */
	Map<String, Cache<?, ?>> caches();

}
