package dev.flagstore.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.flagstore.changes.FlagChange;
import dev.flagstore.changes.FlagChange.Origin;
import dev.flagstore.changes.FlagChangeListener;
import dev.flagstore.changes.FlagTracker;
import dev.flagstore.changes.FlagValueChange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The flag tracker of the in-memory store: what fires when, dependencies, value listeners, delivery and close. Most
 * tests deliver on the writing thread (an inline executor) so that they read as specifications; the delivery tests
 * use the store's own threads.
 */
class FlagTrackerTests {

	/** A flag that refers to segments and to prerequisite flags. */
	record Flag(String key, int version, List<String> segments, List<String> prerequisites) {
	}

	record Segment(String key, int version, List<String> segments) {
	}

	static final DataKind SEGMENTS = DataKind.json("segments", Segment.class)
		.withDependencies(item -> ((Segment) item.item()).segments().stream()
			.map(key -> new ItemRef(FlagTrackerTests.SEGMENTS_PLAIN, key)).toList());

	/** The same kind as {@link #SEGMENTS}, without its dependency function (equal to it). */
	static final DataKind SEGMENTS_PLAIN = DataKind.json("segments", Segment.class);

	// tag::dependencies[]
	static final DataKind FLAGS = DataKind.json("features", Flag.class).withDependencies(item -> {
		Flag flag = (Flag) item.item();
		List<ItemRef> refs = new ArrayList<>();
		flag.segments().forEach(key -> refs.add(new ItemRef(SEGMENTS_PLAIN, key)));
		flag.prerequisites().forEach(key -> refs.add(new ItemRef(FlagTrackerTests.FLAGS_PLAIN, key)));
		return refs;
	});
	// end::dependencies[]

	static final DataKind FLAGS_PLAIN = DataKind.json("features", Flag.class);

	private final InMemoryDataStore store = new InMemoryDataStore(Runnable::run);

	private final RecordingChanges changes = new RecordingChanges();

	@AfterEach
	void close() {
		this.store.close();
	}

	static ItemDescriptor flag(String key, int version, List<String> segments, List<String> prerequisites) {
		return new ItemDescriptor(version, new Flag(key, version, segments, prerequisites));
	}

	static ItemDescriptor flag(String key, int version, String... segments) {
		return flag(key, version, List.of(segments), List.of());
	}

	static ItemDescriptor segment(String key, int version, String... segments) {
		return new ItemDescriptor(version, new Segment(key, version, List.of(segments)));
	}

	static FullDataSet<ItemDescriptor> data(Map<String, ItemDescriptor> flags, Map<String, ItemDescriptor> segments) {
		Map<DataKind, KeyedItems<ItemDescriptor>> data = new LinkedHashMap<>();
		data.put(FLAGS, new KeyedItems<>(flags));
		data.put(SEGMENTS, new KeyedItems<>(segments));
		return new FullDataSet<>(data);
	}

	private FlagTracker tracker() {
		return this.store.getFlagTracker();
	}

	@Test
	void withDependenciesShouldReturnAKindEqualToTheOriginalByName() {
		DataKind plain = DataKind.json("features", Flag.class);
		DataKind tracked = plain.withDependencies(item -> List.of());
		assertThat(tracked).isNotSameAs(plain).isEqualTo(plain).hasSameHashCodeAs(plain);
		assertThat(tracked.hasDependencies()).isTrue();
		assertThat(plain.hasDependencies()).isFalse();
		assertThat(plain.dependenciesOf(flag("a", 1, "s"))).isEmpty();
		assertThat(FLAGS.dependenciesOf(flag("a", 1, "s"))).containsExactly(new ItemRef(SEGMENTS, "s"));
		assertThat(FLAGS.dependenciesOf(ItemDescriptor.deleted(2))).as("a tombstone refers to nothing").isEmpty();
		assertThat(tracked.serialize(flag("a", 3))).isEqualTo(plain.serialize(flag("a", 3)));
	}

	@Test
	void appliedUpsertShouldFireOnceAndARejectedOneNot() {
		// tag::add-listener[]
		this.store.getFlagTracker().addListener(change -> System.out.println(change.kind().getName() + "/"
				+ change.key() + " is now version " + change.version() + " (" + change.origin() + ")"));
		// end::add-listener[]
		tracker().addListener(this.changes);
		assertThat(this.store.upsert(FLAGS, "a", flag("a", 2))).isTrue();
		assertThat(this.store.upsert(FLAGS, "a", flag("a", 2))).isFalse();
		assertThat(this.store.upsert(FLAGS, "a", flag("a", 1))).isFalse();
		assertThat(this.store.delete(FLAGS, "a", 3)).isTrue();
		assertThat(this.changes.received).containsExactly(new FlagChange(FLAGS, "a", 2, Origin.LOCAL),
				new FlagChange(FLAGS, "a", 3));
	}

	@Test
	void initShouldFireOnlyForAddedRemovedAndChangedItems() {
		this.store.init(data(Map.of("same", flag("same", 1), "changed", flag("changed", 1), "removed",
				flag("removed", 4)), Map.of()));
		tracker().addListener(this.changes);
		this.store.init(data(Map.of("same", flag("same", 1), "changed", flag("changed", 2), "added", flag("added", 1)),
				Map.of()));
		assertThat(this.changes.seen()).containsExactlyInAnyOrder("features/changed@2", "features/added@1",
				"features/removed@5");
	}

	@Test
	void initShouldReportALowerVersionAsAChange() {
		this.store.init(data(Map.of("a", flag("a", 5)), Map.of()));
		tracker().addListener(this.changes);
		this.store.init(data(Map.of("a", flag("a", 3)), Map.of()));
		assertThat(this.changes.seen()).containsExactly("features/a@3");
		// The init reset the versions: an upsert above it fires again.
		this.store.upsert(FLAGS, "a", flag("a", 4));
		assertThat(this.changes.seen()).containsExactly("features/a@3", "features/a@4");
	}

	@Test
	void initOfAKindNoLongerPresentShouldReportItsItemsAsRemoved() {
		this.store.init(data(Map.of("f", flag("f", 1)), Map.of("s", segment("s", 1))));
		tracker().addListener(this.changes);
		Map<DataKind, KeyedItems<ItemDescriptor>> onlyFlags = new LinkedHashMap<>();
		onlyFlags.put(FLAGS, new KeyedItems<>(Map.of("f", flag("f", 1))));
		this.store.init(new FullDataSet<>(onlyFlags));
		assertThat(this.changes.seen()).containsExactly("segments/s@2");
	}

	@Test
	void changeOfASegmentShouldFireForEveryFlagThatUsesItTransitivelyOnceEach() {
		// f1 -> s1; f2 -> f1 (prerequisite) and s1; s1 -> s2 (a segment that includes another); f3 -> nothing.
		this.store.init(data(Map.of("f1", flag("f1", 1, List.of("s1"), List.of()), "f2",
				flag("f2", 1, List.of("s1"), List.of("f1")), "f3", flag("f3", 1)),
				Map.of("s1", segment("s1", 1, "s2"), "s2", segment("s2", 1))));
		tracker().addListener(this.changes);
		this.store.upsert(SEGMENTS, "s2", segment("s2", 2));
		assertThat(this.changes.seen()).startsWith("segments/s2@2")
			.containsExactlyInAnyOrder("segments/s2@2", "segments/s1@1", "features/f1@1", "features/f2@1");
	}

	@Test
	void cyclicDependenciesShouldFireEachItemOnceAndTerminate() {
		this.store.init(data(Map.of("a", flag("a", 1, List.of(), List.of("b")), "b",
				flag("b", 1, List.of(), List.of("a"))), Map.of()));
		tracker().addListener(this.changes);
		this.store.upsert(FLAGS, "a", flag("a", 2, List.of(), List.of("b")));
		assertThat(this.changes.seen()).containsExactly("features/a@2", "features/b@1");
	}

	@Test
	void dependenciesShouldFollowEveryWrite() {
		this.store.init(data(Map.of("f", flag("f", 1, "s1")), Map.of("s1", segment("s1", 1), "s2", segment("s2", 1))));
		tracker().addListener(this.changes);
		// f moves from s1 to s2: s1 no longer concerns it, s2 does.
		this.store.upsert(FLAGS, "f", flag("f", 2, "s2"));
		this.store.upsert(SEGMENTS, "s1", segment("s1", 2));
		this.store.upsert(SEGMENTS, "s2", segment("s2", 2));
		// Deleted, f refers to nothing.
		this.store.delete(FLAGS, "f", 3);
		this.store.upsert(SEGMENTS, "s2", segment("s2", 3));
		assertThat(this.changes.seen()).containsExactly("features/f@2", "segments/s1@2", "segments/s2@2",
				"features/f@2", "features/f@3", "segments/s2@3");
	}

	@Test
	void dependenciesShouldBeKeptWhileNobodyListens() {
		this.store.init(data(Map.of(), Map.of("s", segment("s", 1))));
		this.store.upsert(FLAGS, "f", flag("f", 1, "s"));
		tracker().addListener(this.changes);
		this.store.upsert(SEGMENTS, "s", segment("s", 2));
		assertThat(this.changes.seen()).containsExactly("segments/s@2", "features/f@1");
	}

	@Test
	void throwingDependencyFunctionShouldNotFailTheWrite() {
		DataKind broken = DataKind.json("features", Flag.class).withDependencies(item -> {
			throw new IllegalStateException("boom");
		});
		tracker().addListener(this.changes);
		assertThat(this.store.upsert(broken, "f", flag("f", 1))).isTrue();
		assertThat(this.changes.seen()).containsExactly("features/f@1");
	}

	@Test
	void valueListenerShouldEvaluateAtOnceAndBeCalledOnlyWhenTheValueDiffers() {
		this.store.init(data(Map.of("f", flag("f", 1, "s")), Map.of("s", segment("s", 1))));
		List<Integer> evaluatedVersions = new CopyOnWriteArrayList<>();
		List<FlagValueChange<Boolean>> values = new CopyOnWriteArrayList<>();
		// tag::value-listener[]
		FlagTracker tracker = this.store.getFlagTracker();
		FlagChangeListener handle = tracker.addValueChangeListener(FLAGS, "f", item -> {
			evaluatedVersions.add((item != null) ? item.version() : -1);
			// "On" while the flag is live with an odd version.
			return item != null && !item.isDeleted() && item.version() % 2 == 1;
		}, values::add);
		// end::value-listener[]
		assertThat(evaluatedVersions).containsExactly(1);
		this.store.upsert(FLAGS, "f", flag("f", 2, "s"));
		this.store.upsert(SEGMENTS, "s", segment("s", 2));
		this.store.upsert(FLAGS, "f", flag("f", 3, "s"));
		this.store.upsert(FLAGS, "other", flag("other", 1));
		assertThat(evaluatedVersions).as("re-evaluated on its own and its segment's changes")
			.containsExactly(1, 2, 2, 3);
		assertThat(values).containsExactly(new FlagValueChange<>(FLAGS, "f", true, false),
				new FlagValueChange<>(FLAGS, "f", false, true));
		// tag::remove-value-listener[]
		tracker.removeListener(handle);
		// end::remove-value-listener[]
		this.store.upsert(FLAGS, "f", flag("f", 4, "s"));
		assertThat(values).hasSize(2);
	}

	@Test
	void valueListenerShouldSeeAnAbsentItemAsNull() {
		List<FlagValueChange<String>> values = new CopyOnWriteArrayList<>();
		tracker().addValueChangeListener(FLAGS, "f", item -> (item == null) ? "absent" : "v" + item.version(),
				values::add);
		this.store.upsert(FLAGS, "f", flag("f", 1));
		assertThat(values).containsExactly(new FlagValueChange<>(FLAGS, "f", "absent", "v1"));
	}

	@Test
	void valueListenerWhoseFirstEvaluationThrowsShouldNotBeSubscribed() {
		List<FlagValueChange<String>> values = new CopyOnWriteArrayList<>();
		assertThatIllegalStateException().isThrownBy(() -> tracker().addValueChangeListener(FLAGS, "f", item -> {
			if (item == null) {
				throw new IllegalStateException("no flag");
			}
			return "v";
		}, values::add));
		this.store.upsert(FLAGS, "f", flag("f", 1));
		assertThat(values).isEmpty();
	}

	@Test
	void listenersShouldRunOffTheWritingThreadAndAThrowingOneShouldNotHoldBackTheOthers() {
		try (InMemoryDataStore threaded = new InMemoryDataStore()) {
			CountDownLatch slow = new CountDownLatch(1);
			threaded.getFlagTracker().addListener(change -> {
				throw new IllegalStateException("listener failure (expected by the test)");
			});
			threaded.getFlagTracker().addListener(change -> {
				try {
					slow.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			threaded.getFlagTracker().addListener(this.changes);
			for (int version = 1; version <= 20; version++) {
				threaded.upsert(FLAGS, "a", flag("a", version));
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> this.changes.received.size() == 20);
			assertThat(this.changes.received).extracting(FlagChange::version)
				.containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 20).boxed().toList());
			assertThat(this.changes.threads).doesNotContain(Thread.currentThread());
			slow.countDown();
		}
	}

	@Test
	void closeShouldStopDeliveryAndTheListenerThreads() throws InterruptedException {
		InMemoryDataStore threaded = new InMemoryDataStore();
		CountDownLatch entered = new CountDownLatch(1);
		List<Thread> sleeping = new CopyOnWriteArrayList<>();
		threaded.getFlagTracker().addListener(change -> {
			sleeping.add(Thread.currentThread());
			entered.countDown();
			try {
				Thread.sleep(60_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		threaded.getFlagTracker().addListener(this.changes);
		threaded.upsert(FLAGS, "a", flag("a", 1));
		assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.changes.received.size() == 1);
		threaded.close();
		// close() interrupted the sleeping listener and waited for its thread.
		assertThat(sleeping).singleElement().satisfies(thread -> assertThat(thread.isAlive()).isFalse());
		assertThat(this.changes.threads).allSatisfy(thread -> assertThat(thread.isAlive()).isFalse());
		threaded.upsert(FLAGS, "a", flag("a", 2));
		assertThat(this.changes.received).hasSize(1);
		threaded.close();
	}

}
