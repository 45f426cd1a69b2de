package dev.flagstore.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.flagstore.store.DataKind;
import dev.flagstore.store.InMemoryDataStore;
import dev.flagstore.store.ItemDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The file source on real files in a temporary directory: edits, editors' atomic renames, half-written and
 * malformed files, a file deleted and recreated, many edits in a row, and the threads' end.
 */
class FileFlagSourceTests {

	private static final DataKind FEATURES = DataKind.json("features", Map.class);

	private static final DataKind SEGMENTS = DataKind.json("segments", Map.class);

	private static final Duration WAIT = Duration.ofSeconds(15);

	@TempDir
	Path dir;

	private final InMemoryDataStore store = new InMemoryDataStore();

	private final List<FlagSourceStatus> statuses = new CopyOnWriteArrayList<>();

	private FlagSourceRunner runner;

	@AfterEach
	void close() {
		if (this.runner != null) {
			this.runner.close();
		}
	}

	private FlagSourceRunner run(FileFlagSource source) {
		this.runner = FlagSourceRunner.builder(this.store, source).build();
		this.runner.getStatusProvider().addStatusListener(this.statuses::add);
		this.runner.start();
		return this.runner;
	}

	private FileFlagSource.Builder source(Path... files) {
		FileFlagSource.Builder builder = FileFlagSource.builder(List.of(FEATURES, SEGMENTS))
			.pollInterval(Duration.ofMillis(200))
			.debounce(Duration.ofMillis(50));
		for (Path file : files) {
			builder.path(file);
		}
		return builder;
	}

	private static void write(Path file, String text) throws IOException {
		Files.writeString(file, text, StandardCharsets.UTF_8);
	}

	private Object on(String key) {
		ItemDescriptor item = this.store.get(FEATURES, key);
		return (item == null || item.item() == null) ? null : ((Map<?, ?>) item.item()).get("on");
	}

	private FlagSourceStatus status() {
		return this.runner.getStatusProvider().getStatus();
	}

	private void awaitValid() throws InterruptedException {
		assertThat(this.runner.getStatusProvider().waitFor(FlagSourceState.VALID, WAIT)).as("VALID").isTrue();
	}

	@Test
	void shouldLoadAJsonFileAndPickUpAnEdit() throws Exception {
		Path file = this.dir.resolve("flags.json");
		write(file, "{\"features\": {\"a\": {\"on\": false}, \"b\": {\"on\": true, \"version\": 5}}}");
		run(source(file).build());
		awaitValid();
		assertThat(on("a")).isEqualTo(false);
		assertThat(this.store.get(FEATURES, "b").version()).isEqualTo(5);
		assertThat(asMap(this.store.get(FEATURES, "a").item())).containsEntry("key", "a");
		int before = this.store.get(FEATURES, "a").version();

		write(file, "{\"features\": {\"a\": {\"on\": true}, \"b\": {\"on\": true, \"version\": 5}}}");
		await().atMost(WAIT).until(() -> Boolean.TRUE.equals(on("a")));
		assertThat(this.store.get(FEATURES, "a").version()).isGreaterThan(before);
		assertThat(status().getState()).isEqualTo(FlagSourceState.VALID);
		assertThat(status().getLastError()).isNull();
	}

	@Test
	void shouldLoadYaml() throws Exception {
		Path file = this.dir.resolve("flags.yml");
		write(file, "features:\n  a:\n    on: true\nsegments:\n  beta:\n    included: [u1]\n");
		run(source(file).build());
		awaitValid();
		assertThat(on("a")).isEqualTo(true);
		assertThat(this.store.get(SEGMENTS, "beta")).isNotNull();
	}

	@Test
	void shouldPickUpAnAtomicRenameAsEditorsSave() throws Exception {
		Path file = this.dir.resolve("flags.json");
		write(file, "{\"features\": {\"a\": {\"on\": false}}}");
		run(source(file).build());
		awaitValid();
		Path temp = this.dir.resolve(".flags.json.swp");
		write(temp, "{\"features\": {\"a\": {\"on\": true}}}");
		Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		await().atMost(WAIT).until(() -> Boolean.TRUE.equals(on("a")));
	}

	@Test
	void aMalformedFileShouldBeInvalidDataAndKeepTheLastGoodData() throws Exception {
		Path file = this.dir.resolve("flags.json");
		write(file, "{\"features\": {\"a\": {\"on\": true}}}");
		run(source(file).build());
		awaitValid();
		write(file, "{\"features\": {\n\"a\": {\"on\": tru");
		await().atMost(WAIT).until(() -> status().getState() == FlagSourceState.INTERRUPTED);
		FlagSourceErrorInfo error = status().getLastError();
		assertThat(error.kind()).isEqualTo(FlagSourceErrorKind.INVALID_DATA);
		assertThat(error.message()).startsWith(file + " is malformed at line 2, column ");
		assertThat(on("a")).isEqualTo(true);

		write(file, "{\"features\": {\"a\": {\"on\": false}}}");
		awaitValid();
		assertThat(on("a")).isEqualTo(false);
		// The error stays as the last one, as in the LaunchDarkly SDKs.
		assertThat(status().getLastError()).isEqualTo(error);
	}

	@Test
	void aFileWrittenInTwoStepsWithinTheDebounceShouldLoadOnceWhole() throws Exception {
		Path file = this.dir.resolve("flags.json");
		write(file, "{\"features\": {\"a\": {\"on\": true}}}");
		run(source(file).debounce(Duration.ofMillis(500)).build());
		awaitValid();
		await().atMost(WAIT).until(() -> !this.statuses.isEmpty());
		int published = this.statuses.size();
		write(file, "{\"features\": {\"a\": {\"on\"");
		Files.writeString(file, ": false}}}", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
		await().atMost(WAIT).until(() -> Boolean.FALSE.equals(on("a")));
		assertThat(this.statuses.subList(published, this.statuses.size())).isEmpty();
	}

	@Test
	void aDeletedFileShouldInterruptAndItsRecreationRecover() throws Exception {
		Path file = this.dir.resolve("flags.json");
		write(file, "{\"features\": {\"a\": {\"on\": true}}}");
		run(source(file).build());
		awaitValid();
		Files.delete(file);
		await().atMost(WAIT).until(() -> status().getState() == FlagSourceState.INTERRUPTED);
		assertThat(status().getLastError().message()).isEqualTo("flags file " + file + " not found");
		assertThat(on("a")).isEqualTo(true);
		write(file, "{\"features\": {\"a\": {\"on\": false}}}");
		awaitValid();
		assertThat(on("a")).isEqualTo(false);
	}

	@Test
	void aFileMissingAtStartShouldKeepInitializingUntilItAppears() throws Exception {
		Path file = this.dir.resolve("later").resolve("flags.json");
		run(source(file).build());
		await().atMost(WAIT).until(() -> status().getLastError() != null);
		assertThat(status().getState()).isEqualTo(FlagSourceState.INITIALIZING);
		assertThat(status().getLastError().kind()).isEqualTo(FlagSourceErrorKind.INVALID_DATA);
		assertThat(status().getLastError().message()).contains("not found");
		assertThat(this.store.isInitialized()).isFalse();
		// Even its directory was missing: it is watched once it exists, and polled meanwhile.
		Files.createDirectories(file.getParent());
		write(file, "{\"features\": {\"a\": {\"on\": true}}}");
		awaitValid();
		assertThat(on("a")).isEqualTo(true);
	}

	@Test
	void anUnknownKindShouldBeInvalidDataNamingIt() throws Exception {
		Path file = this.dir.resolve("flags.json");
		write(file, "{\"featurez\": {\"a\": {\"on\": true}}}");
		run(source(file).build());
		await().atMost(WAIT).until(() -> status().getLastError() != null);
		assertThat(status().getLastError().message()).contains("unknown kind 'featurez'");
	}

	@Test
	void anItemRemovedFromTheFileShouldLeaveTheStore() throws Exception {
		Path file = this.dir.resolve("flags.json");
		write(file, "{\"features\": {\"a\": {\"on\": true}, \"b\": {\"on\": true}}, \"segments\": {\"s\": {}}}");
		run(source(file).build());
		awaitValid();
		write(file, "{\"features\": {\"a\": {\"on\": true}}}");
		await().atMost(WAIT).until(() -> this.store.get(FEATURES, "b") == null);
		assertThat(this.store.get(SEGMENTS, "s")).isNull();
		assertThat(on("a")).isEqualTo(true);
	}

	@Test
	void manyQuickEditsShouldEndWithTheLastContent() throws Exception {
		Path file = this.dir.resolve("flags.json");
		write(file, "{\"features\": {\"counter\": {\"on\": true, \"n\": 0}}}");
		run(source(file).debounce(Duration.ofMillis(20)).build());
		awaitValid();
		for (int n = 1; n <= 100; n++) {
			if (n % 2 == 0) {
				Path temp = this.dir.resolve("flags.json.tmp");
				write(temp, "{\"features\": {\"counter\": {\"on\": true, \"n\": " + n + "}}}");
				Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			else {
				write(file, "{\"features\": {\"counter\": {\"on\": true, \"n\": " + n + "}}}");
			}
		}
		await().atMost(WAIT).until(() -> Integer.valueOf(100)
			.equals(((Map<?, ?>) this.store.get(FEATURES, "counter").item()).get("n")));
		assertThat(status().getState()).isIn(FlagSourceState.VALID, FlagSourceState.INTERRUPTED);
		// Whatever was caught half-written on the way, the end is the whole last file.
		awaitValid();
	}

	@Test
	void shouldMergeFilesAndAClasspathResourceInOrder() throws Exception {
		Path overrides = this.dir.resolve("overrides.json");
		write(overrides, "{\"features\": {\"from-classpath\": {\"on\": false}, \"extra\": {\"on\": true}}}");
		FileFlagSource source = FileFlagSource.builder(List.of(FEATURES, SEGMENTS))
			.classpathResource("flagsource/classpath-flags.json", getClass().getClassLoader())
			.path(overrides)
			.build();
		run(source);
		awaitValid();
		assertThat(on("from-classpath")).isEqualTo(false);
		assertThat(on("extra")).isEqualTo(true);
		assertThat(this.store.get(FEATURES, "from-classpath").version())
			.isEqualTo(FlagFileParser.baseVersion(Files.getLastModifiedTime(overrides).toInstant()));
	}

	@Test
	void pollingAloneShouldPickUpAnEdit() throws Exception {
		Path file = this.dir.resolve("flags.json");
		write(file, "{\"features\": {\"a\": {\"on\": false}}}");
		run(source(file).watchFileSystem(false).pollInterval(Duration.ofMillis(50)).build());
		awaitValid();
		write(file, "{\"features\": {\"a\": {\"on\": true}}}");
		await().atMost(WAIT).until(() -> Boolean.TRUE.equals(on("a")));
	}

	@Test
	void resyncShouldSendTheLastGoodDataAgain() throws Exception {
		Path file = this.dir.resolve("flags.json");
		write(file, "{\"features\": {\"a\": {\"on\": true}}}");
		FileFlagSource source = source(file).build();
		run(source);
		awaitValid();
		// The store lost the data (a flushed Redis): the source sends it again when asked, without a file change.
		this.store.init(new dev.flagstore.store.FullDataSet<>(Map.of()));
		assertThat(this.store.get(FEATURES, "a")).isNull();
		source.resync();
		await().atMost(WAIT).until(() -> Boolean.TRUE.equals(on("a")));
	}

	@Test
	void closeShouldStopBothThreadsAndWriteNothingMore() throws Exception {
		Path file = this.dir.resolve("flags.json");
		write(file, "{\"features\": {\"a\": {\"on\": true}}}");
		FileFlagSource source = source(file).build();
		run(source);
		awaitValid();
		assertThat(threads()).containsExactlyInAnyOrder("flagstore-file-source", "flagstore-file-source-watch");
		this.runner.close();
		assertThat(threads()).isEmpty();
		write(file, "{\"features\": {\"a\": {\"on\": false}}}");
		TimeUnit.MILLISECONDS.sleep(400);
		assertThat(on("a")).isEqualTo(true);
		source.close();
	}

	private static List<String> threads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith("flagstore-file-source"))
			.toList();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> asMap(Object item) {
		return (Map<String, Object>) item;
	}

}
