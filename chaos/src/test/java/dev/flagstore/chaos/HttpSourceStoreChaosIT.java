package dev.flagstore.chaos;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpServer;
import dev.flagstore.source.FlagSource;
import dev.flagstore.source.FlagSourceErrorInfo;
import dev.flagstore.source.FlagSourceErrorKind;
import dev.flagstore.source.FlagSourceRunner;
import dev.flagstore.source.FlagSourceState;
import dev.flagstore.source.FlagSourceStatus;
import dev.flagstore.source.FlagSourceUpdateSink;
import dev.flagstore.source.HttpFlagSource;
import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.store.CacheMode;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStoreException;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.PersistentDataStoreWrapper;
import dev.flagstore.store.SerializedItemDescriptor;
import dev.flagstore.test.TcpFaultProxy;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP flag source's server killed and hung while the store (Redis, through its proxy) fails too, with a
 * {@link FlagSourceRunner} feeding a {@link PersistentDataStoreWrapper} and the server's data changing meanwhile.
 * Phases, each with its bounds:
 * <ol>
 * <li>steady: the source VALID, the store available, the store holds the server's data;</li>
 * <li>server killed and store cut together: the source INTERRUPTED ({@code NETWORK_ERROR}) and the store
 * unavailable within their bounds, and neither flips back while the faults last;</li>
 * <li>store back, server still down: the store available (TTL: {@code refreshNeeded}, so the runner asks the source
 * to resync; FOREVER: written back), the source still INTERRUPTED, the store still serving the last data;</li>
 * <li>server hung (connections accepted, nothing answered): the source still INTERRUPTED, the flagstore threads
 * within their bounds and the JVM's thread count not growing;</li>
 * <li>server back: the source VALID and the store (through the wrapper and read directly from Redis) holding
 * exactly the server's current data, within the bounds;</li>
 * <li>the reverse order: both down, the server back first, so the source's write fails ({@code STORE_ERROR} on
 * the source's status, its state unchanged, the store still unavailable); then the store back: TTL,
 * {@code refreshNeeded}, resync, {@code init}; FOREVER, the failed {@code init} written back: the store holds
 * exactly the server's data again.</li>
 * </ol>
 * Then the runner and wrapper are closed and no thread or connection is left. Measured bounds go to the test's
 * output ({@code target/failsafe-reports/*-output.txt}); {@code docs/reliability.md} has them.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class HttpSourceStoreChaosIT {

	static final DataKind FEATURES = DataKind.json("features", JsonNode.class);

	static final DataKind SEGMENTS = DataKind.json("segments", JsonNode.class);

	static final List<DataKind> KINDS = List.of(FEATURES, SEGMENTS);

	// The source.
	static final Duration SOURCE_POLL = Duration.ofMillis(200);

	static final Duration REQUEST_TIMEOUT = Duration.ofMillis(500);

	static final Duration INITIAL_RETRY = Duration.ofMillis(100);

	static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

	// The store, as the other Redis scenarios run it.
	static final Duration CLIENT_TIMEOUT = Duration.ofMillis(500);

	static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(1);

	static final Duration STORE_POLL = Duration.ofMillis(200);

	static final Duration HEARTBEAT = Duration.ofSeconds(1);

	static final Duration CACHE_TTL = Duration.ofMinutes(10);

	/** How often the server's data changes while it changes. */
	static final Duration CHANGE_EVERY = Duration.ofMillis(300);

	@ParameterizedTest(name = "cache {0}")
	@EnumSource(value = CacheMode.class, names = { "TTL", "FOREVER" })
	@Tag("chaos-short")
	@Timeout(value = 2, unit = TimeUnit.MINUTES)
	void serverKilledAndHungWhileTheStoreFails(CacheMode mode) throws Exception {
		new Scenario(mode, Duration.ofSeconds(3)).run();
	}

	/** The same with every fault a quarter of {@code chaos.duration} long (30 s by default): {@code -Pchaos}. */
	@ParameterizedTest(name = "cache {0}")
	@EnumSource(value = CacheMode.class, names = { "TTL", "FOREVER" })
	@Tag("chaos-long")
	void serverKilledAndHungForLongWhileTheStoreFails(CacheMode mode) throws Exception {
		new Scenario(mode, ChaosSettings.longDuration().dividedBy(4)).run();
	}

	/** One run of the six phases. */
	static final class Scenario {

		final CacheMode mode;

		/** How long each fault phase lasts. */
		final Duration fault;

		final Duration margin = ChaosSettings.margin();

		/** Source: a poll interval, then a request that fails by its timeout. */
		final Duration sourceDetect = SOURCE_POLL.plus(REQUEST_TIMEOUT).plus(this.margin);

		/** Source: a request in flight when the server comes back, the back-off under way, then a request. */
		final Duration sourceRecover = REQUEST_TIMEOUT.multipliedBy(2).plus(MAX_BACKOFF).plus(this.margin);

		/** Idle store: the next heartbeat (a heartbeat interval after the last success), failing by its deadline. */
		final Duration storeDetect = HEARTBEAT.plus(OPERATION_TIMEOUT).plus(this.margin);

		/** Store: a poll, its probe's deadline, Lettuce's reconnect back-off (1 s cap + a 100 ms tick). */
		final Duration storeRecover = STORE_POLL.plus(OPERATION_TIMEOUT)
			.plus(RedisBackend.MAX_RECONNECT_DELAY)
			.plus(RedisBackend.LETTUCE_TIMER_TICK)
			.plus(this.margin);

		/** Both back: the source's recovery, then its init (within the operation timeout). */
		final Duration converge = this.sourceRecover.plus(OPERATION_TIMEOUT);

		/** Store back, the source up: the store's recovery, the resync's request and its init. */
		final Duration resyncConverge = this.storeRecover.plus(REQUEST_TIMEOUT).plus(OPERATION_TIMEOUT);

		final List<String> violations = new ArrayList<>();

		final Map<String, Duration> measured = new LinkedHashMap<>();

		final List<Stamped<FlagSourceStatus>> sourceTimeline = new CopyOnWriteArrayList<>();

		final List<Stamped<DataStoreStatus>> storeTimeline = new CopyOnWriteArrayList<>();

		final ServerData data = new ServerData(new Random());

		final AtomicBoolean changing = new AtomicBoolean();

		RedisBackend redis;

		TcpFaultProxy httpProxy;

		PersistentDataStoreWrapper wrapper;

		FlagSourceRunner runner;

		CountingSource source;

		Scenario(CacheMode mode, Duration fault) {
			this.mode = mode;
			this.fault = fault;
		}

		void run() throws Exception {
			long started = System.nanoTime();
			Set<Thread> baseline = Thread.getAllStackTraces().keySet();
			HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			server.createContext("/flags", exchange -> {
				try (exchange) {
					ServerData.Body body = this.data.body();
					if (body.etag().equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
						exchange.sendResponseHeaders(304, -1);
						return;
					}
					exchange.getResponseHeaders().add("ETag", body.etag());
					exchange.sendResponseHeaders(200, body.bytes().length);
					try (OutputStream out = exchange.getResponseBody()) {
						out.write(body.bytes());
					}
				}
			});
			AtomicInteger serverThreadCount = new AtomicInteger();
			ExecutorService serverThreads = Executors.newCachedThreadPool(task -> {
				Thread thread = new Thread(task, "chaos-http-server-" + serverThreadCount.incrementAndGet());
				thread.setDaemon(true);
				return thread;
			});
			server.setExecutor(serverThreads);
			server.start();
			Thread changer = new Thread(this::change, "chaos-flag-changer");
			changer.setDaemon(true);
			AtomicBoolean stop = new AtomicBoolean();
			this.stopChanger = stop;
			ThreadSampler sampler = null;
			ScenarioResult leaks = new ScenarioResult("HTTP source and store", "Redis", this.mode.name());
			ChaosBackend.StoreInstance instance = null;
			try (RedisBackend backend = Backends.redis(null)) {
				this.redis = backend;
				this.httpProxy = TcpFaultProxy.start("127.0.0.1", server.getAddress().getPort());
				instance = backend.openInstance("instance-0", CLIENT_TIMEOUT);
				ChaosBackend.StoreInstance opened = instance;
				org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(opened.store()::isStoreAvailable);
				this.wrapper = PersistentDataStoreWrapper.builder(instance.store())
					.cacheMode(this.mode)
					.cacheTtl(CACHE_TTL)
					.pollInterval(STORE_POLL)
					.heartbeatInterval(HEARTBEAT)
					.operationTimeout(OPERATION_TIMEOUT)
					.build();
				this.wrapper.getStatusProvider()
					.addStatusListener(status -> this.storeTimeline.add(new Stamped<>(Instant.now(), status)));
				URI url = URI.create("http://" + this.httpProxy.getHost() + ":" + this.httpProxy.getPort() + "/flags");
				this.source = new CountingSource(HttpFlagSource.builder(url, KINDS)
					.pollInterval(SOURCE_POLL)
					.requestTimeout(REQUEST_TIMEOUT)
					.initialRetryDelay(INITIAL_RETRY)
					.maxRetryDelay(MAX_BACKOFF)
					.build());
				this.runner = FlagSourceRunner.builder(this.wrapper, this.source).build();
				this.runner.getStatusProvider()
					.addStatusListener(status -> this.sourceTimeline.add(new Stamped<>(Instant.now(), status)));
				sampler = new ThreadSampler(threadBounds(), Duration.ofMillis(50)).start();
				this.runner.start();
				changer.start();
				try {
					phases();
				}
				finally {
					stop.set(true);
					changer.interrupt();
					changer.join(5000);
					this.runner.close();
					this.wrapper.close();
					instance.resources().close();
					instance = null;
					sampler.stop();
				}
				check(sampler.problems().isEmpty(), "flagstore threads over their bounds: " + sampler.problems());
				check(this.runner.getStatusProvider().getStatus().getState() == FlagSourceState.OFF,
						"the source is OFF after close");
				this.resyncsAsked = this.source.resyncsTotal();
				server.stop(0);
				serverThreads.shutdownNow();
				// JDK 17's HttpClient selector thread ends once its client is unreachable.
				this.source = null;
				this.runner = null;
				System.gc();
				ScenarioRun.checkLeaks(backend, baseline, leaks);
			}
			finally {
				if (instance != null) {
					instance.resources().close();
				}
				if (this.httpProxy != null) {
					this.httpProxy.close();
				}
				server.stop(0);
				serverThreads.shutdownNow();
			}
			check(leaks.passed(), "leaks after close: " + leaks.failures());
			this.measured.put("scenario", Duration.ofNanos(System.nanoTime() - started));
			System.out.println(report());
			assertThat(this.violations).as("violations (cache %s)%n%s", this.mode, timelines()).isEmpty();
		}

		private AtomicBoolean stopChanger = new AtomicBoolean();

		private int resyncsAsked;

		private void phases() throws Exception {
			// 1. Steady: the data changes, the source follows it; then the data holds still and the store has it.
			await("phase 1: source VALID", Duration.ofSeconds(20),
					() -> sourceState() == FlagSourceState.VALID);
			this.changing.set(true);
			pace(Duration.ofSeconds(2));
			this.changing.set(false);
			Instant frozen = Instant.now();
			await("phase 1: the store holds the server's data", this.converge, () -> storeMatches(this.data.snapshot()));
			this.measured.put("1 steady: change -> store holds it (after the last change)",
					Duration.between(frozen, Instant.now()));
			check(storeStatus().isAvailable() && !storeStatus().isRefreshNeeded(),
					"phase 1: store status available, refreshNeeded=false: " + storeStatus());
			Map<DataKind, Map<String, String>> lastWritten = this.data.snapshot();
			int resyncsBefore = this.source.resyncs.get();

			// 2. Server killed and store cut together; the data keeps changing.
			this.changing.set(true);
			Instant faultBegan = Instant.now();
			killServer();
			cutStore();
			FlagSourceStatus interrupted = awaitSource("phase 2: source INTERRUPTED", faultBegan, this.sourceDetect,
					status -> status.getState() == FlagSourceState.INTERRUPTED);
			if (interrupted != null) {
				FlagSourceErrorInfo error = interrupted.getLastError();
				check(error != null && error.kind() == FlagSourceErrorKind.NETWORK_ERROR,
						"phase 2: the interruption's error is NETWORK_ERROR: " + error);
				this.measured.put("2 killed + cut: source INTERRUPTED", Duration.between(faultBegan,
						interrupted.getStateSince()));
			}
			DataStoreStatus unavailable = awaitStore("phase 2: store unavailable", faultBegan, this.storeDetect,
					status -> !status.isAvailable());
			if (unavailable != null) {
				this.measured.put("2 killed + cut: store unavailable", Duration.between(faultBegan,
						unavailable.getSince()));
			}
			pace(this.fault);
			checkReadsServe("phase 2", lastWritten, false);
			Instant storeBack = Instant.now();
			restoreStore();
			checkSourceNever("phase 2 (both down)", faultBegan, storeBack, FlagSourceState.VALID);
			checkStoreNeverAvailable("phase 2 (both down)", unavailable, storeBack);

			// 3. Store back, server still down.
			DataStoreStatus available = awaitStore("phase 3: store available", storeBack, this.storeRecover,
					DataStoreStatus::isAvailable);
			if (available != null) {
				this.measured.put("3 store back: store available", Duration.between(storeBack, available.getSince()));
				check(available.isRefreshNeeded() == (this.mode == CacheMode.TTL), "phase 3: refreshNeeded="
						+ (this.mode == CacheMode.TTL) + " on recovery with " + this.mode + ": " + available);
			}
			if (this.mode == CacheMode.TTL) {
				Duration asked = await("phase 3: the runner asks the source to resync", this.storeRecover,
						() -> this.source.resyncs.get() > resyncsBefore);
				if (asked != null) {
					this.measured.put("3 store back: resync asked",
							Duration.between(storeBack, this.source.lastResync));
				}
			}
			pace(this.fault);
			checkReadsServe("phase 3", lastWritten, true);
			if (this.mode == CacheMode.FOREVER) {
				check(this.source.resyncs.get() == resyncsBefore,
						"phase 3: FOREVER writes back, it asks no resync: " + this.source.resyncs.get());
			}

			// 4. Server hung: connections accepted, nothing answered.
			Instant hungAt = Instant.now();
			List<String> threadsBefore = applicationThreads();
			hangServer();
			List<String> mostThreads = threadsBefore;
			int mostConnections = 0;
			long hangEnd = System.nanoTime() + this.fault.toNanos();
			while (System.nanoTime() - hangEnd < 0) {
				List<String> now = applicationThreads();
				if (now.size() > mostThreads.size()) {
					mostThreads = now;
				}
				mostConnections = Math.max(mostConnections, this.httpProxy.getOpenConnectionCount());
				pace(Duration.ofMillis(100));
			}
			// Idle pools may lose a thread or start one again (the source's client pool, listener drains): at most
			// one more thread than at the start of the hang.
			check(mostThreads.size() <= threadsBefore.size() + 1, "phase 4: threads grew during the hang from "
					+ threadsBefore + " to " + mostThreads);
			check(mostConnections <= 3, "phase 4: connections to the hung server grew to " + mostConnections);
			this.measured.put("4 hung: most threads (at the start " + threadsBefore.size() + ")",
					Duration.ofMillis(mostThreads.size()));
			this.measured.put("4 hung: most connections held by the hung server", Duration.ofMillis(mostConnections));
			checkReadsServe("phase 4", lastWritten, true);
			Instant serverBack = Instant.now();
			restoreServer();
			this.changing.set(false);
			Map<DataKind, Map<String, String>> current = this.data.snapshot();
			checkSourceNever("phases 2-4 (server down or hung)", faultBegan, serverBack, FlagSourceState.VALID);
			checkStoreStays("phases 3-4 (store up)", available, serverBack);
			FlagSourceErrorInfo hungError = lastSourceErrorBefore(serverBack);
			check(hungError != null && hungError.kind() == FlagSourceErrorKind.NETWORK_ERROR
					&& hungError.time().isAfter(hungAt), "phase 4: the hang is a NETWORK_ERROR: " + hungError);

			// 5. Both back: the source VALID, the store holds exactly the server's current data.
			FlagSourceStatus valid = awaitSource("phase 5: source VALID", serverBack, this.sourceRecover,
					status -> status.getState() == FlagSourceState.VALID);
			if (valid != null) {
				this.measured.put("5 server back: source VALID", Duration.between(serverBack, valid.getStateSince()));
			}
			Duration converged = await("phase 5: the store holds the server's data", this.converge,
					() -> storeMatches(current));
			if (converged != null) {
				this.measured.put("5 server back: store holds the server's data", converged);
			}
			check(storeMatches(current), "phase 5: the store holds exactly the server's data: "
					+ differences(current));
			await("phase 5: store available, refreshNeeded=false", this.converge,
					() -> storeStatus().isAvailable() && !storeStatus().isRefreshNeeded());

			// 6. The reverse order: both down, the server back first (its write fails), then the store.
			this.changing.set(true);
			Instant bothDown = Instant.now();
			killServer();
			cutStore();
			awaitSource("phase 6: source INTERRUPTED", bothDown, this.sourceDetect,
					status -> status.getState() == FlagSourceState.INTERRUPTED);
			DataStoreStatus down = awaitStore("phase 6: store unavailable", bothDown, this.storeDetect,
					status -> !status.isAvailable());
			pace(this.fault);
			Instant serverFirst = Instant.now();
			restoreServer();
			pace(Duration.ofMillis(700));
			this.changing.set(false);
			Map<DataKind, Map<String, String>> last = this.data.snapshot();
			FlagSourceStatus storeError = awaitSource("phase 6: STORE_ERROR on the source status", serverFirst,
					this.sourceRecover.plus(OPERATION_TIMEOUT), status -> status.getLastError() != null
							&& status.getLastError().kind() == FlagSourceErrorKind.STORE_ERROR);
			if (storeError != null) {
				this.measured.put("6 server back, store down: STORE_ERROR",
						Duration.between(serverFirst, storeError.getLastError().time()));
				check(storeError.getState() == FlagSourceState.INTERRUPTED, "phase 6: STORE_ERROR leaves the state "
						+ "as it was (INTERRUPTED, the first fetch after the outage): " + storeError);
			}
			FlagSourceStatus validAgain = awaitSource("phase 6: source VALID (it fetches; the store fails)",
					serverFirst, this.sourceRecover.plus(OPERATION_TIMEOUT),
					status -> status.getState() == FlagSourceState.VALID);
			if (validAgain != null) {
				this.measured.put("6 server back, store down: source VALID",
						Duration.between(serverFirst, validAgain.getStateSince()));
			}
			pace(this.fault);
			// The store still down: TTL keeps the warm cache (the data before the outage); FOREVER's cache took the
			// failed init and answers it.
			checkReadsServe("phase 6 (store down)", (this.mode == CacheMode.FOREVER) ? latestWithData(last) : current,
					false);
			Instant storeLast = Instant.now();
			int resyncsBeforeStore = this.source.resyncs.get();
			restoreStore();
			checkStoreNeverAvailable("phase 6 (store down)", down, storeLast);
			checkSourceErrorsWhileStoreDown(serverFirst, storeLast);
			DataStoreStatus back = awaitStore("phase 6: store available", storeLast, this.storeRecover,
					DataStoreStatus::isAvailable);
			if (back != null) {
				this.measured.put("6 store back: store available", Duration.between(storeLast, back.getSince()));
			}
			Duration again = await("phase 6: the store holds the server's data", this.resyncConverge,
					() -> storeMatches(latestWithData(last)));
			if (again != null) {
				this.measured.put("6 store back: store holds the server's data", again);
			}
			check(storeMatches(latestWithData(last)), "phase 6: the store holds exactly the server's data: "
					+ differences(latestWithData(last)));
			await("phase 6: store available, refreshNeeded=false", this.resyncConverge,
					() -> storeStatus().isAvailable() && !storeStatus().isRefreshNeeded());
			if (this.mode == CacheMode.TTL) {
				check(this.source.resyncs.get() > resyncsBeforeStore, "phase 6: TTL recovery asked a resync");
			}
			check(sourceState() == FlagSourceState.VALID, "end: source VALID: " + this.runner.getStatusProvider()
				.getStatus());
		}

		/** What the server holds now if it changed after {@code snapshot} was taken (it should not have). */
		private Map<DataKind, Map<String, String>> latestWithData(Map<DataKind, Map<String, String>> snapshot) {
			Map<DataKind, Map<String, String>> now = this.data.snapshot();
			check(now.equals(snapshot), "the data changed after the changer stopped");
			return now;
		}

		private void change() {
			while (!this.stopChanger.get()) {
				LockSupport.parkNanos(CHANGE_EVERY.toNanos());
				if (this.changing.get()) {
					this.data.change();
				}
			}
		}

		// Faults.

		private void killServer() {
			this.httpProxy.refuseConnections();
			this.httpProxy.cutConnections();
		}

		private void hangServer() {
			this.httpProxy.blackhole();
		}

		private void restoreServer() {
			this.httpProxy.restore();
		}

		private void cutStore() {
			this.redis.proxy().refuseConnections();
			this.redis.proxy().cutConnections();
		}

		private void restoreStore() {
			this.redis.proxy().restore();
		}

		// Checks.

		private FlagSourceState sourceState() {
			return this.runner.getStatusProvider().getStatus().getState();
		}

		private DataStoreStatus storeStatus() {
			return this.wrapper.getStatusProvider().getStatus();
		}

		/** Reads through the wrapper during a phase: answered (from the cache) with {@code expected}. */
		private void checkReadsServe(String phase, Map<DataKind, Map<String, String>> expected, boolean storeUp) {
			try {
				List<String> problems = compare("wrapper", readWrapper(), expected);
				check(problems.isEmpty(), phase + ": the store serves the last data it got: " + problems);
			}
			catch (DataStoreException ex) {
				violation(phase + ": getAll threw " + ScenarioRun.causeChain(ex));
			}
			if (storeUp) {
				try {
					List<String> problems = compare("redis", readRedis(), expected);
					check(problems.isEmpty(), phase + ": Redis holds the last data: " + problems);
				}
				catch (Exception ex) {
					violation(phase + ": reading Redis failed: " + ex);
				}
			}
		}

		private boolean storeMatches(Map<DataKind, Map<String, String>> expected) {
			try {
				return compare("wrapper", readWrapper(), expected).isEmpty()
						&& compare("redis", readRedis(), expected).isEmpty();
			}
			catch (Exception ex) {
				return false;
			}
		}

		private List<String> differences(Map<DataKind, Map<String, String>> expected) {
			List<String> problems = new ArrayList<>();
			try {
				problems.addAll(compare("wrapper", readWrapper(), expected));
				problems.addAll(compare("redis", readRedis(), expected));
			}
			catch (Exception ex) {
				problems.add("read failed: " + ex);
			}
			return problems;
		}

		private Map<DataKind, Map<String, ItemDescriptor>> readWrapper() {
			Map<DataKind, Map<String, ItemDescriptor>> items = new LinkedHashMap<>();
			for (DataKind kind : KINDS) {
				items.put(kind, this.wrapper.getAll(kind).items());
			}
			return items;
		}

		/** Straight from the Redis server, not through the proxy nor any cache. */
		private Map<DataKind, Map<String, ItemDescriptor>> readRedis() throws Exception {
			Map<DataKind, Map<String, ItemDescriptor>> items = new LinkedHashMap<>();
			for (DataKind kind : KINDS) {
				Map<String, ItemDescriptor> byKey = new TreeMap<>();
				for (Map.Entry<String, SerializedItemDescriptor> entry : this.redis.readItems(kind).entrySet()) {
					SerializedItemDescriptor item = entry.getValue();
					byKey.put(entry.getKey(), (item.deleted() || item.serializedItem() == null)
							? ItemDescriptor.deleted(RedisBackend.version(kind, item))
							: kind.deserialize(item.serializedItem()));
				}
				items.put(kind, byKey);
			}
			return items;
		}

		/**
		 * Every live item equal (version and content) to the server's, none missing, none extra; a tombstone is
		 * allowed only for a key the server no longer has (FOREVER's write-back deletes that way).
		 */
		static List<String> compare(String where, Map<DataKind, Map<String, ItemDescriptor>> actual,
				Map<DataKind, Map<String, String>> expected) {
			List<String> problems = new ArrayList<>();
			for (DataKind kind : KINDS) {
				Map<String, String> want = expected.getOrDefault(kind, Map.of());
				Map<String, ItemDescriptor> have = actual.getOrDefault(kind, Map.of());
				for (Map.Entry<String, String> entry : want.entrySet()) {
					ItemDescriptor item = have.get(entry.getKey());
					String got = (item == null) ? "absent" : describe(item);
					if (!got.equals(entry.getValue())) {
						problems.add(where + " " + kind.getName() + "/" + entry.getKey() + ": " + got + ", server "
								+ entry.getValue());
					}
				}
				for (Map.Entry<String, ItemDescriptor> entry : have.entrySet()) {
					if (!want.containsKey(entry.getKey()) && !entry.getValue().isDeleted()) {
						problems.add(where + " " + kind.getName() + "/" + entry.getKey() + ": " + describe(entry.getValue())
								+ ", not on the server");
					}
				}
			}
			return problems;
		}

		static String describe(ItemDescriptor item) {
			return item.isDeleted() ? "deleted v" + item.version() : "v" + item.version() + " " + item.item();
		}

		private void checkSourceNever(String phase, Instant from, Instant to, FlagSourceState state) {
			for (Stamped<FlagSourceStatus> entry : this.sourceTimeline) {
				Instant at = entry.value().getStateSince();
				if (entry.value().getState() == state && at.isAfter(from) && at.isBefore(to)) {
					violation(phase + ": source " + state + " " + Duration.between(from, at) + " in, while the server "
							+ "was unreachable: " + entry.value());
				}
			}
		}

		/** From the status that said unavailable until {@code to}, the store never said available. */
		private void checkStoreNeverAvailable(String phase, @Nullable DataStoreStatus from, Instant to) {
			if (from == null) {
				return;
			}
			for (Stamped<DataStoreStatus> entry : this.storeTimeline) {
				Instant at = entry.value().getSince();
				if (entry.value().isAvailable() && at.isAfter(from.getSince()) && at.isBefore(to)) {
					violation(phase + ": store available while cut: " + entry.value());
				}
			}
		}

		/** From {@code from} until {@code to}, the store kept that status (no change at all). */
		private void checkStoreStays(String phase, @Nullable DataStoreStatus from, Instant to) {
			if (from == null) {
				return;
			}
			for (Stamped<DataStoreStatus> entry : this.storeTimeline) {
				Instant at = entry.value().getSince();
				if (at.isAfter(from.getSince()) && at.isBefore(to)) {
					violation(phase + ": store status changed while it was up: " + entry.value());
				}
			}
		}

		/** While the store was down and the server up, every error the source recorded was a STORE_ERROR. */
		private void checkSourceErrorsWhileStoreDown(Instant from, Instant to) {
			for (Stamped<FlagSourceStatus> entry : this.sourceTimeline) {
				FlagSourceErrorInfo error = entry.value().getLastError();
				if (error != null && error.time().isAfter(from.plus(REQUEST_TIMEOUT)) && error.time().isBefore(to)
						&& error.kind() != FlagSourceErrorKind.STORE_ERROR) {
					violation("phase 6: the server was up, yet the source reported " + error);
				}
			}
		}

		private @Nullable FlagSourceErrorInfo lastSourceErrorBefore(Instant to) {
			FlagSourceErrorInfo last = null;
			for (Stamped<FlagSourceStatus> entry : this.sourceTimeline) {
				FlagSourceErrorInfo error = entry.value().getLastError();
				if (error != null && error.time().isBefore(to)) {
					last = error;
				}
			}
			return last;
		}

		/** The first source status at or after {@code from} that matches, within {@code bound} of it. */
		private @Nullable FlagSourceStatus awaitSource(String what, Instant from, Duration bound,
				Predicate<FlagSourceStatus> wanted) {
			AtomicReference<FlagSourceStatus> found = new AtomicReference<>();
			await(what, bound, () -> {
				for (Stamped<FlagSourceStatus> entry : this.sourceTimeline) {
					if (!entry.at().isBefore(from) && wanted.test(entry.value())) {
						found.set(entry.value());
						return true;
					}
				}
				return false;
			});
			return found.get();
		}

		private @Nullable DataStoreStatus awaitStore(String what, Instant from, Duration bound,
				Predicate<DataStoreStatus> wanted) {
			AtomicReference<DataStoreStatus> found = new AtomicReference<>();
			await(what, bound, () -> {
				for (Stamped<DataStoreStatus> entry : this.storeTimeline) {
					if (!entry.at().isBefore(from) && wanted.test(entry.value())) {
						found.set(entry.value());
						return true;
					}
				}
				return false;
			});
			return found.get();
		}

		/**
		 * Waits for {@code condition} within {@code bound}: past it, a violation, and up to 15 s more so that the
		 * next phases still run on a known state; failing then, the scenario ends here.
		 * @return how long it took, or {@code null} past the bound
		 */
		private @Nullable Duration await(String what, Duration bound, BooleanSupplier condition) {
			long start = System.nanoTime();
			long deadline = start + bound.toNanos();
			long giveUp = deadline + TimeUnit.SECONDS.toNanos(15);
			while (!condition.getAsBoolean()) {
				if (System.nanoTime() - giveUp > 0) {
					violation(what + ": not within " + bound + " nor 15 s more; source " + this.runner.getStatusProvider()
						.getStatus() + ", store " + storeStatus());
					assertThat(this.violations).as("violations (cache %s)%n%s", this.mode, timelines()).isEmpty();
				}
				pace(Duration.ofMillis(20));
			}
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			if (System.nanoTime() - deadline > 0) {
				violation(what + ": not within " + bound + " (after " + took.toMillis() + " ms)");
				return null;
			}
			return took;
		}

		private void check(boolean condition, String violation) {
			if (!condition) {
				violation(violation);
			}
		}

		private void violation(String text) {
			this.violations.add(text);
		}

		private static void pace(Duration duration) {
			LockSupport.parkNanos(duration.toNanos());
		}

		/**
		 * The JVM's live threads but the test's own: the proxies' pump threads (two per connection, and a hung
		 * server holds connections), the test's HTTP server, the samplers.
		 */
		static List<String> applicationThreads() {
			List<String> names = new ArrayList<>();
			for (Thread thread : Thread.getAllStackTraces().keySet()) {
				String name = thread.getName();
				if (thread.isAlive() && !name.startsWith("tcp-fault-proxy") && !name.startsWith("chaos-")
						&& !name.startsWith("HTTP-Dispatcher")) {
					names.add(name);
				}
			}
			java.util.Collections.sort(names);
			return names;
		}

		private Map<String, Integer> threadBounds() {
			Map<String, Integer> bounds = new LinkedHashMap<>();
			// The wrapper's: a fixed call pool (16 + 2 background + poller + heartbeat), one scheduler, one
			// listener thread per status listener with something to deliver (this test's and the runner's).
			bounds.put(ThreadSampler.STORE_CALL, 20);
			bounds.put(ThreadSampler.STATUS, 1);
			bounds.put(ThreadSampler.LISTENER, 2);
			bounds.put(ThreadSampler.CLOCK, 1);
			bounds.put(ThreadSampler.REDIS_CONNECT, 1);
			// The source's poller and its client's two threads; the runner's one listener, one resync thread and
			// the one that schedules the resync after a failed init.
			bounds.put(ThreadSampler.HTTP_SOURCE, 3);
			bounds.put(ThreadSampler.SOURCE_LISTENER, 1);
			bounds.put(ThreadSampler.SOURCE_RESYNC, 1);
			bounds.put(ThreadSampler.SOURCE_RETRY, 1);
			bounds.put(ThreadSampler.TOTAL, 31);
			return bounds;
		}

		private String timelines() {
			StringBuilder text = new StringBuilder("source status timeline:");
			this.sourceTimeline.forEach(entry -> text.append("\n  ").append(entry.at()).append(" ").append(entry.value()));
			text.append("\nstore status timeline:");
			this.storeTimeline.forEach(entry -> text.append("\n  ").append(entry.at()).append(" ").append(entry.value()));
			return text.toString();
		}

		private String report() {
			StringBuilder text = new StringBuilder("HTTP source + Redis store chaos, cache " + this.mode + ", faults of "
					+ this.fault.toSeconds() + " s; bounds: source detect " + this.sourceDetect.toMillis()
					+ " ms, source recover " + this.sourceRecover.toMillis() + " ms, store detect "
					+ this.storeDetect.toMillis() + " ms, store recover " + this.storeRecover.toMillis()
					+ " ms, converge " + this.converge.toMillis() + " ms, resync converge "
					+ this.resyncConverge.toMillis() + " ms; resyncs asked " + this.resyncsAsked
					+ "; server data changes " + this.data.changes() + "; source status changes "
					+ this.sourceTimeline.size() + ", store status changes " + this.storeTimeline.size());
			this.measured.forEach((name, value) -> text.append("\n  ").append(name).append(": ")
				.append(name.startsWith("4 hung") ? Long.toString(value.toMillis()) : value.toMillis() + " ms"));
			text.append("\n  violations: ").append(this.violations.isEmpty() ? "none" : this.violations);
			return text.toString();
		}

	}

	record Stamped<T>(Instant at, T value) {
	}

	/** The HTTP source, counting the resyncs the runner asks for. */
	static final class CountingSource implements FlagSource {

		final HttpFlagSource delegate;

		final AtomicInteger resyncs = new AtomicInteger();

		volatile Instant lastResync = Instant.EPOCH;

		CountingSource(HttpFlagSource delegate) {
			this.delegate = delegate;
		}

		@Override
		public void start(FlagSourceUpdateSink sink) {
			this.delegate.start(sink);
		}

		@Override
		public void resync() {
			this.lastResync = Instant.now();
			this.resyncs.incrementAndGet();
			this.delegate.resync();
		}

		int resyncsTotal() {
			return this.resyncs.get();
		}

		@Override
		public Map<String, Object> describeConfiguration() {
			return this.delegate.describeConfiguration();
		}

		@Override
		public void close() {
			this.delegate.close();
		}

	}

	/**
	 * The server's data: two kinds, items changed, added and removed over time; every change takes the next version
	 * of one counter, so a key removed and added again comes back with a higher version than any it had.
	 */
	static final class ServerData {

		record Body(String etag, byte[] bytes) {
		}

		private final Random random;

		private final Map<DataKind, TreeMap<String, Integer>> items = new LinkedHashMap<>();

		private int version;

		private int generation;

		private int nextKey;

		private @Nullable Body body;

		ServerData(Random random) {
			this.random = random;
			for (DataKind kind : KINDS) {
				TreeMap<String, Integer> keys = new TreeMap<>();
				for (int i = 0; i < 6; i++) {
					keys.put(kind.getName().charAt(0) + Integer.toString(this.nextKey++), ++this.version);
				}
				this.items.put(kind, keys);
			}
		}

		/** One change: mostly a new version of an item, sometimes an item added or removed. */
		synchronized void change() {
			TreeMap<String, Integer> keys = this.items.get(KINDS.get(this.random.nextInt(KINDS.size())));
			int roll = this.random.nextInt(10);
			List<String> present = new ArrayList<>(keys.keySet());
			if (roll < 7 || present.size() <= 3) {
				keys.put(present.get(this.random.nextInt(present.size())), ++this.version);
			}
			else if (roll < 8) {
				keys.remove(present.get(this.random.nextInt(present.size())));
			}
			else {
				String key = keys.firstKey().charAt(0) + Integer.toString(this.nextKey++);
				keys.put(key, ++this.version);
			}
			this.generation++;
			this.body = null;
		}

		synchronized int changes() {
			return this.generation;
		}

		/** Each key's item as the store should describe it ({@link Scenario#describe}). */
		synchronized Map<DataKind, Map<String, String>> snapshot() {
			Map<DataKind, Map<String, String>> snapshot = new LinkedHashMap<>();
			this.items.forEach((kind, keys) -> {
				Map<String, String> described = new TreeMap<>();
				keys.forEach((key, version) -> described.put(key, Scenario.describe(kind.deserialize(item(key, version)))));
				snapshot.put(kind, described);
			});
			return snapshot;
		}

		synchronized Body body() {
			if (this.body == null) {
				StringBuilder json = new StringBuilder("{");
				this.items.forEach((kind, keys) -> {
					json.append((json.length() > 1) ? ", " : "").append('"').append(kind.getName()).append("\": {");
					int[] i = { 0 };
					keys.forEach((key, version) -> json.append((i[0]++ > 0) ? ", " : "")
						.append('"')
						.append(key)
						.append("\": ")
						.append(item(key, version)));
					json.append('}');
				});
				json.append('}');
				this.body = new Body("\"g" + this.generation + "\"", json.toString().getBytes(StandardCharsets.UTF_8));
			}
			return this.body;
		}

		static String item(String key, int version) {
			return "{\"key\": \"" + key + "\", \"version\": " + version + ", \"on\": " + (version % 2 == 0) + "}";
		}

	}

}
