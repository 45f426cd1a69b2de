package dev.flagstore.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Function;

import dev.flagstore.changes.FlagChange;
import dev.flagstore.changes.FlagChange.Origin;
import dev.flagstore.changes.FlagChangeListener;
import dev.flagstore.changes.FlagTracker;
import dev.flagstore.changes.FlagValueChange;
import dev.flagstore.changes.FlagValueChangeListener;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.ItemRef;
import dev.flagstore.store.KeyedItems;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link FlagTracker} of a store, and what the store tells it: each applied write ({@link #written}) and each
 * replaced data set ({@link #replaced}). It keeps the dependency graph of the items (who refers to whom, from
 * {@link DataKind#withDependencies}, as LaunchDarkly's {@code DependencyTracker} does) and the latest version it
 * reported per item, and turns a write into one {@link FlagChange} for the item and one for each item that depends
 * on it, transitively, each once.
 *
 * <p><b>Order.</b> The store calls {@link #written}/{@link #replaced} where the order of its writes is decided (under
 * its write lock) and {@link #flush()} after releasing it, as {@code StatusMachine} does with its
 * {@link Broadcaster}: the graph, the versions and the events' place in the order change together under this
 * class's own small lock, and no listener code runs there. A write whose version is not above the version already
 * reported for its item fires nothing, so per item, between two {@code init}s, event versions never go backwards
 * even when two writers of one key race each other out of the store in the other order. An {@code init} resets the
 * versions (it may lower them). Internal to flagstore; not an API.
 */
public final class ChangeTracker implements FlagTracker {

	private static final Logger logger = LoggerFactory.getLogger(ChangeTracker.class);

	private final Broadcaster<FlagChangeListener, FlagChange> broadcaster;

	/** Reads an item as the store's readers see it now: for value-change listeners. */
	private final BiFunction<DataKind, String, @Nullable ItemDescriptor> reader;

	/** Guards {@link #versions}, {@link #dependsOn}, {@link #dependents}, {@link #kinds} and the enqueue order. */
	private final Object lock = new Object();

	/** Guarded by {@link #lock}: per item, the version of the latest change reported (or taken from an init). */
	private final Map<ItemRef, Integer> versions = new HashMap<>();

	/** Guarded by {@link #lock}: item &rarr; the items it refers to. */
	private final Map<ItemRef, Set<ItemRef>> dependsOn = new HashMap<>();

	/** Guarded by {@link #lock}: item &rarr; the items that refer to it. */
	private final Map<ItemRef, Set<ItemRef>> dependents = new HashMap<>();

	/** Guarded by {@link #lock}: every kind written or initialized here, in the order first seen. */
	private final Set<DataKind> kinds = new LinkedHashSet<>();

	/** Guarded by {@link #lock}. */
	private boolean closed;

	/**
	 * Creates a tracker.
	 * @param listenerExecutor runs the listeners (each its own serial queue); it must not run them on the calling
	 * thread for "never on the writer's thread" to hold
	 * @param reader reads an item as the store's readers see it
	 */
	public ChangeTracker(Executor listenerExecutor, BiFunction<DataKind, String, @Nullable ItemDescriptor> reader) {
		this.broadcaster = new Broadcaster<>("flag change", FlagChangeListener::onFlagChange,
				Objects.requireNonNull(listenerExecutor, "listenerExecutor"));
		this.reader = Objects.requireNonNull(reader, "reader");
	}

	@Override
	public void addListener(FlagChangeListener listener) {
		this.broadcaster.add(listener);
	}

	@Override
	public void removeListener(FlagChangeListener listener) {
		this.broadcaster.remove(listener);
	}

	@Override
	public <V extends @Nullable Object> FlagChangeListener addValueChangeListener(DataKind kind, String key,
			Function<@Nullable ItemDescriptor, V> evaluator, FlagValueChangeListener<V> listener) {
		ValueWatch<V> watch = new ValueWatch<>(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(key, "key"),
				Objects.requireNonNull(evaluator, "evaluator"), Objects.requireNonNull(listener, "listener"));
		// Subscribed before the first evaluation, so that no change between the two is missed (a change the first
		// evaluation already saw re-evaluates to the same value and calls nobody); the watch's lock makes its first
		// event wait for the first value.
		synchronized (watch.lock) {
			this.broadcaster.add(watch);
			try {
				watch.value = evaluator.apply(this.reader.apply(kind, key));
			}
			catch (RuntimeException | Error ex) {
				this.broadcaster.remove(watch);
				throw ex;
			}
			watch.evaluated = true;
		}
		return watch;
	}

	/**
	 * Whether any listener is subscribed: a store reads the data an {@code init} replaces only then.
	 * @return whether there is one
	 */
	public boolean hasListeners() {
		return this.broadcaster.hasListeners();
	}

	/**
	 * Whether {@code version} is above the version last reported for the item (a change feed's notice of an older
	 * or already-seen version is skipped before any work).
	 * @param kind the item's kind
	 * @param key the item's key
	 * @param version the version noticed
	 * @return whether it is newer
	 */
	public boolean isNewer(DataKind kind, String key, int version) {
		synchronized (this.lock) {
			Integer last = this.versions.get(new ItemRef(kind, key));
			return last == null || last < version;
		}
	}

	/**
	 * The kinds written or initialized through this tracker's store: with an {@code init}'s own, the kinds whose
	 * old data the {@code init} diff reads.
	 * @return a copy, in the order first seen
	 */
	public Set<DataKind> knownKinds() {
		synchronized (this.lock) {
			return new LinkedHashSet<>(this.kinds);
		}
	}

	/**
	 * The store applied a write of {@code item} and readers can see it: queues the change of the item and of its
	 * dependents, unless a change of this or a newer version of it was already reported. Call {@link #flush()}
	 * after releasing the store's lock.
	 * @param kind the item's kind (the instance whose dependency function applies)
	 * @param key the item's key
	 * @param item what the store now holds (a tombstone for a deletion)
	 * @param origin where the write was made
	 * @return whether a change was queued
	 */
	public boolean written(DataKind kind, String key, ItemDescriptor item, Origin origin) {
		ItemRef ref = new ItemRef(kind, key);
		Set<ItemRef> refersTo = dependenciesOf(kind, key, item);
		synchronized (this.lock) {
			if (this.closed) {
				return false;
			}
			Integer last = this.versions.get(ref);
			if (last != null && last >= item.version()) {
				return false;
			}
			this.versions.put(ref, item.version());
			this.kinds.add(kind);
			link(ref, refersTo);
			enqueueAffected(Map.of(ref, item.version()), origin);
			return true;
		}
	}

	/**
	 * The store's data set was replaced by {@code newData} (readers see it): queues a change for every item it
	 * added, removed or changed (version differs) and their dependents, and rebuilds the graph and the versions
	 * from it. Call {@link #flush()} after releasing the store's lock.
	 * @param newData the new data set
	 * @param oldData what the store held before, by kind (a kind missing from it held nothing); {@code null} if it
	 * could not be read: then every item of the new data set is reported, and the items this tracker knew that the
	 * new data set lacks as removed
	 * @param origin where the replacement was made
	 */
	public void replaced(FullDataSet<ItemDescriptor> newData,
			@Nullable Map<DataKind, ? extends Map<String, ItemDescriptor>> oldData, Origin origin) {
		Map<ItemRef, Set<ItemRef>> graph = new HashMap<>();
		newData.data().forEach((kind, items) -> {
			if (kind.hasDependencies()) {
				items.items().forEach((key, item) -> {
					Set<ItemRef> refersTo = dependenciesOf(kind, key, item);
					if (!refersTo.isEmpty()) {
						graph.put(new ItemRef(kind, key), refersTo);
					}
				});
			}
		});
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			Map<ItemRef, Integer> before = new HashMap<>(this.versions);
			this.versions.clear();
			this.dependsOn.clear();
			this.dependents.clear();
			newData.data().forEach((kind, items) -> {
				this.kinds.add(kind);
				items.items().forEach((key, item) -> this.versions.put(new ItemRef(kind, key), item.version()));
			});
			graph.forEach(this::link);
			if (!hasListeners()) {
				// Nobody to tell: the graph and versions are what a later listener needs.
				return;
			}
			Map<ItemRef, Integer> roots = new LinkedHashMap<>();
			if (oldData != null) {
				newData.data().forEach((kind, items) -> {
					Map<String, ItemDescriptor> old = oldData.get(kind);
					items.items().forEach((key, item) -> {
						ItemDescriptor was = (old != null) ? old.get(key) : null;
						if (was == null || was.version() != item.version()) {
							roots.put(new ItemRef(kind, key), item.version());
						}
					});
				});
				oldData.forEach((kind, old) -> {
					KeyedItems<ItemDescriptor> now = newData.data().get(kind);
					old.forEach((key, item) -> {
						if (now == null || !now.items().containsKey(key)) {
							roots.put(new ItemRef(kind, key), removedVersion(item.version()));
						}
					});
				});
			}
			else {
				newData.data().forEach((kind, items) -> items.items()
					.forEach((key, item) -> roots.put(new ItemRef(kind, key), item.version())));
				before.forEach((ref, version) -> {
					if (!this.versions.containsKey(ref)) {
						roots.put(ref, removedVersion(version));
					}
				});
			}
			enqueueAffected(roots, origin);
		}
	}

	/** Hands the queued changes to the listeners; call it holding no lock. Never blocks. */
	public void flush() {
		this.broadcaster.flush();
	}

	/** Stops delivery: nothing is queued or delivered after it. Idempotent. */
	public void close() {
		synchronized (this.lock) {
			this.closed = true;
		}
		this.broadcaster.close();
	}

	/** An item an init removed is reported one version above its last, as a write-back's tombstone would be. */
	private static int removedVersion(int version) {
		return (version == Integer.MAX_VALUE) ? version : version + 1;
	}

	/** Guarded by {@link #lock}: the roots (with their versions), then their dependents, transitively, each once. */
	private void enqueueAffected(Map<ItemRef, Integer> roots, Origin origin) {
		Set<ItemRef> seen = new HashSet<>();
		Deque<ItemRef> queue = new ArrayDeque<>(roots.keySet());
		List<FlagChange> changes = new ArrayList<>();
		while (!queue.isEmpty()) {
			ItemRef ref = queue.poll();
			if (!seen.add(ref)) {
				continue;
			}
			Integer version = roots.get(ref);
			if (version == null) {
				version = this.versions.getOrDefault(ref, 0);
			}
			changes.add(new FlagChange(ref.kind(), ref.key(), version, origin));
			for (ItemRef dependent : this.dependents.getOrDefault(ref, Set.of())) {
				if (!seen.contains(dependent)) {
					queue.add(dependent);
				}
			}
		}
		changes.forEach(this.broadcaster::enqueue);
	}

	/** Guarded by {@link #lock}: {@code ref} now refers to {@code refersTo} (and to nothing else). */
	private void link(ItemRef ref, Set<ItemRef> refersTo) {
		Set<ItemRef> old = refersTo.isEmpty() ? this.dependsOn.remove(ref) : this.dependsOn.put(ref, refersTo);
		if (old != null) {
			for (ItemRef target : old) {
				Set<ItemRef> from = this.dependents.get(target);
				if (from != null) {
					from.remove(ref);
					if (from.isEmpty()) {
						this.dependents.remove(target);
					}
				}
			}
		}
		for (ItemRef target : refersTo) {
			this.dependents.computeIfAbsent(target, (t) -> new LinkedHashSet<>()).add(ref);
		}
	}

	/** The kind's dependency function's answer, outside the lock; a function that throws means "nothing". */
	private static Set<ItemRef> dependenciesOf(DataKind kind, String key, ItemDescriptor item) {
		if (!kind.hasDependencies() || item.isDeleted()) {
			return Set.of();
		}
		try {
			Collection<ItemRef> refs = kind.dependenciesOf(item);
			Set<ItemRef> copy = new LinkedHashSet<>();
			for (ItemRef ref : refs) {
				if (ref != null) {
					copy.add(ref);
				}
			}
			return copy;
		}
		catch (RuntimeException ex) {
			logger.warn("The dependency function of kind '{}' threw for item '{}'; taking it to depend on nothing",
					kind.getName(), key, ex);
			return Set.of();
		}
	}

	/**
	 * A value-change subscription: a change listener that re-evaluates one item on each of its changes and tells
	 * its listener when the answer differs. Runs on its own serial queue, so evaluations are in order.
	 */
	private final class ValueWatch<V extends @Nullable Object> implements FlagChangeListener {

		private final DataKind kind;

		private final String key;

		private final Function<@Nullable ItemDescriptor, V> evaluator;

		private final FlagValueChangeListener<V> listener;

		/** Held by the first evaluation; guards {@link #value} and {@link #evaluated}. */
		final Object lock = new Object();

		@Nullable V value;

		boolean evaluated;

		ValueWatch(DataKind kind, String key, Function<@Nullable ItemDescriptor, V> evaluator,
				FlagValueChangeListener<V> listener) {
			this.kind = kind;
			this.key = key;
			this.evaluator = evaluator;
			this.listener = listener;
		}

		@Override
		public void onFlagChange(FlagChange change) {
			if (!change.kind().equals(this.kind) || !change.key().equals(this.key)) {
				return;
			}
			V oldValue;
			V newValue;
			synchronized (this.lock) {
				if (!this.evaluated) {
					return;
				}
				try {
					newValue = this.evaluator.apply(ChangeTracker.this.reader.apply(this.kind, this.key));
				}
				catch (RuntimeException ex) {
					logger.warn("Re-evaluating '{}' of kind '{}' for a value-change listener failed; keeping the last "
							+ "value until the next change", this.key, this.kind.getName(), ex);
					return;
				}
				oldValue = this.value;
				if (Objects.equals(oldValue, newValue)) {
					return;
				}
				this.value = newValue;
			}
			// Outside the lock: the listener may take as long as it likes (its own queue waits, nobody else).
			this.listener.onFlagValueChange(new FlagValueChange<>(this.kind, this.key, oldValue, newValue));
		}

		@Override
		public String toString() {
			return "value-change listener " + this.listener + " of " + this.kind.getName() + "/" + this.key;
		}

	}

}
