package dev.flagstore.chaos;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import dev.flagstore.source.FlagSourceErrorKind;
import dev.flagstore.source.FlagSourceRunner;
import dev.flagstore.source.FlagSourceState;
import dev.flagstore.source.HttpFlagSource;
import dev.flagstore.store.CacheMode;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.PersistentDataStoreWrapper;
import dev.flagstore.test.FaultInjectingPersistentDataStore;
import dev.flagstore.test.FaultInjectingPersistentDataStore.Operation;
import dev.flagstore.test.InMemoryPersistentDataStore;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Found while building {@link HttpSourceStoreChaosIT} (and by the flag source's concurrency review): an {@code init}
 * from the flag source that the wrapper refuses without trying the store (the bulkhead full of other calls; also a
 * lock wait past the deadline, or an interrupt: an {@code UnattemptedCallException}) was lost for good, with a
 * healthy store. Fixed: after a failed {@code init} the runner asks the source to resync, with back-off.
 *
 * <p>Interleaving: the store is healthy and available; {@code maxConcurrentCalls} application calls are in flight
 * (here one slow cache-miss {@code get} and {@code max-concurrent-calls=1}; in production, cache misses under load:
 * the default-timeouts scenario saw 3–117 reads refused per run with the store up); the server's data changes; the
 * source fetches it and calls {@code sink.init}; the wrapper refuses it at once; the runner records
 * {@code STORE_ERROR} (state unchanged) and returns; {@link HttpFlagSource} takes the body's hash and {@code ETag} as
 * applied and reports {@code VALID}. The refusal changes no store status (by design: nothing reached the store),
 * so there is no {@code refreshNeeded}, no resync; FOREVER does not keep an unattempted write for write-back. Every
 * later poll gets {@code 304} (or the same body, skipped): the store keeps the old data while the source says
 * {@code VALID} and the store said available, until the server's data changed again.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class RefusedSourceInitTests {

	private static final DataKind FEATURES = DataKind.json("features", JsonNode.class);

	/**
	 * TTL. (FOREVER takes the same path, {@code DataSetWriter.init} rethrows an unattempted call before the cache
	 * keeps it, but this set-up does not reach it: a FOREVER {@code get} is answered from the snapshot, so the slow
	 * miss never holds the permit.)
	 */
	@ParameterizedTest(name = "cache {0}")
	@EnumSource(value = CacheMode.class, names = { "TTL" })
	void anInitRefusedByTheBulkheadIsWrittenLater(CacheMode mode) throws Exception {
		AtomicInteger version = new AtomicInteger(1);
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		server.createContext("/flags", exchange -> {
			try (exchange) {
				int current = version.get();
				String etag = "\"v" + current + "\"";
				if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
					exchange.sendResponseHeaders(304, -1);
					return;
				}
				byte[] body = ("{\"features\": {\"f1\": {\"key\": \"f1\", \"version\": " + current + "}}}")
					.getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().add("ETag", etag);
				exchange.sendResponseHeaders(200, body.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(body);
				}
			}
		});
		server.start();
		FaultInjectingPersistentDataStore store = new FaultInjectingPersistentDataStore(new InMemoryPersistentDataStore());
		PersistentDataStoreWrapper wrapper = PersistentDataStoreWrapper.builder(store)
			.cacheMode(mode)
			.cacheTtl(Duration.ofMinutes(10))
			.maxConcurrentCalls(1)
			.operationTimeout(Duration.ofSeconds(5))
			.build();
		URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/flags");
		HttpFlagSource source = HttpFlagSource.builder(url, List.of(FEATURES))
			.pollInterval(Duration.ofMillis(100))
			.requestTimeout(Duration.ofMillis(500))
			.build();
		FlagSourceRunner runner = FlagSourceRunner.builder(wrapper, source).build();
		try {
			runner.start();
			await().atMost(Duration.ofSeconds(10)).until(() -> version(wrapper) == 1);

			// The one permit taken by a slow cache miss (it succeeds, after 1.5 s); meanwhile the data changes.
			store.slowDown(Duration.ofMillis(1500), Operation.GET);
			CompletableFuture<ItemDescriptor> miss = CompletableFuture.supplyAsync(() -> wrapper.get(FEATURES, "other"));
			await().atMost(Duration.ofSeconds(1)).until(() -> store.getCallCount() > 0 && !miss.isDone());
			version.set(2);
			await().atMost(Duration.ofSeconds(5)).until(() -> {
				var error = runner.getStatusProvider().getStatus().getLastError();
				return error != null && error.kind() == FlagSourceErrorKind.STORE_ERROR;
			});
			miss.get(5, TimeUnit.SECONDS);
			store.recover();

			// The store is healthy, the source VALID, the server unchanged at version 2: the store must get it.
			assertThat(wrapper.getStatusProvider().getStatus().isAvailable()).isTrue();
			assertThat(runner.getStatusProvider().getStatus().getState()).isEqualTo(FlagSourceState.VALID);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(version(wrapper)).as("the store's version of f1 (the server has 2)")
					.isEqualTo(2));
		}
		finally {
			runner.close();
			wrapper.close();
			server.stop(0);
		}
	}

	private static int version(PersistentDataStoreWrapper wrapper) {
		ItemDescriptor item = wrapper.getAll(FEATURES).items().get("f1");
		return (item != null) ? item.version() : -1;
	}

}
