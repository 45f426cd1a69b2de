package dev.flagstore.test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.store.SerializedItemDescriptor;
import org.jspecify.annotations.Nullable;

/**
 * A correct, thread-safe {@link PersistentDataStore} that keeps its data in memory: the reference the contract
 * suite is checked against, and a stand-in for a real database in tests.
 *
 * <p>Several instances can share one "database" ({@link #newStoreOnSameData()}), the way several application
 * instances share a Redis or SQL server; closing one instance does not affect the others. {@code init} is atomic
 * with respect to every other operation; {@code upsert} is an atomic compare-and-set on the version. After
 * {@link #close()} every operation except {@code close} and {@code isStoreAvailable} throws
 * {@link IllegalStateException}, and {@code isStoreAvailable} answers {@code false}.
 */
public final class InMemoryPersistentDataStore implements PersistentDataStore {

	private final Database database;

	private volatile boolean closed;

	/**
	 * Creates a store on a new, empty database.
	 */
	public InMemoryPersistentDataStore() {
		this(new Database());
	}

	private InMemoryPersistentDataStore(Database database) {
		this.database = database;
	}

	/**
	 * Creates another store instance on the same data, as a second application instance would connect to the
	 * same server.
	 * @return a new, open store sharing this store's data
	 */
	public InMemoryPersistentDataStore newStoreOnSameData() {
		return new InMemoryPersistentDataStore(this.database);
	}

	/**
	 * Removes all data and the initialized mark, as if the server were flushed. Affects every instance sharing
	 * the data; allowed after {@link #close()}.
	 */
	public void clearData() {
		this.database.lock.writeLock().lock();
		try {
			this.database.kinds.clear();
			this.database.initialized = false;
		}
		finally {
			this.database.lock.writeLock().unlock();
		}
	}

	@Override
	public void init(FullDataSet<SerializedItemDescriptor> allData) {
		Objects.requireNonNull(allData, "allData");
		checkOpen();
		this.database.lock.writeLock().lock();
		try {
			this.database.kinds.clear();
			allData.data().forEach((kind, items) -> {
				Map<String, SerializedItemDescriptor> copy = new ConcurrentHashMap<>(items.items());
				this.database.kinds.put(kind.getName(), copy);
			});
			this.database.initialized = true;
		}
		finally {
			this.database.lock.writeLock().unlock();
		}
	}

	@Override
	public @Nullable SerializedItemDescriptor get(DataKind kind, String key) {
		checkOpen();
		this.database.lock.readLock().lock();
		try {
			Map<String, SerializedItemDescriptor> items = this.database.kinds.get(kind.getName());
			return (items != null) ? items.get(key) : null;
		}
		finally {
			this.database.lock.readLock().unlock();
		}
	}

	@Override
	public KeyedItems<SerializedItemDescriptor> getAll(DataKind kind) {
		checkOpen();
		this.database.lock.readLock().lock();
		try {
			Map<String, SerializedItemDescriptor> items = this.database.kinds.get(kind.getName());
			return (items != null) ? new KeyedItems<>(new LinkedHashMap<>(items)) : KeyedItems.empty();
		}
		finally {
			this.database.lock.readLock().unlock();
		}
	}

	@Override
	public boolean upsert(DataKind kind, String key, SerializedItemDescriptor item) {
		Objects.requireNonNull(item, "item");
		checkOpen();
		// The read lock keeps init out; ConcurrentHashMap.compute makes the version check and write one step.
		this.database.lock.readLock().lock();
		try {
			Map<String, SerializedItemDescriptor> items = this.database.kinds.computeIfAbsent(kind.getName(),
					(name) -> new ConcurrentHashMap<>());
			boolean[] written = new boolean[1];
			items.compute(key, (k, old) -> {
				if (old != null && old.version() >= item.version()) {
					return old;
				}
				written[0] = true;
				return item;
			});
			return written[0];
		}
		finally {
			this.database.lock.readLock().unlock();
		}
	}

	@Override
	public boolean isInitialized() {
		checkOpen();
		return this.database.initialized;
	}

	@Override
	public boolean isStoreAvailable() {
		return !this.closed;
	}

	@Override
	public void close() {
		this.closed = true;
	}

	private void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("The store is closed");
		}
	}

	/** The shared data of all instances made by {@link #newStoreOnSameData()}. */
	private static final class Database {

		/** Read-locked by get/getAll/upsert, write-locked by init and clear, so init is atomic. */
		final ReadWriteLock lock = new ReentrantReadWriteLock();

		final Map<String, Map<String, SerializedItemDescriptor>> kinds = new ConcurrentHashMap<>();

		volatile boolean initialized;

	}

}
