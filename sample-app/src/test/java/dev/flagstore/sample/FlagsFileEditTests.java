package dev.flagstore.sample;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import dev.flagstore.source.FlagSourceState;
import dev.flagstore.source.FlagSourceStatusProvider;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.ItemDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Editing the flags file while the sample runs changes its flags, as with {@code spring-boot:run} (which points the
 * file source at {@code src/main/resources/flags.json}); here the file is a copy in a temporary directory.
 */
@SpringBootTest(properties = { "flagstore.source.file.poll-interval=100ms", "flagstore.source.file.debounce=20ms" })
class FlagsFileEditTests {

	@TempDir
	static Path dir;

	@Autowired
	private DataStore store;

	@Autowired
	private FlagSourceStatusProvider sourceStatus;

	@DynamicPropertySource
	static void flagsFile(DynamicPropertyRegistry registry) throws IOException {
		Path file = dir.resolve("flags.json");
		try (InputStream in = FlagsFileEditTests.class.getResourceAsStream("/flags.json")) {
			Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
		}
		registry.add("flagstore.source.file.paths", file::toString);
	}

	@Test
	void editingTheFlagsFileShouldChangeTheFlags() throws Exception {
		assertThat(this.sourceStatus.waitFor(FlagSourceState.VALID, Duration.ofSeconds(15))).isTrue();
		Flag before = flag("dark-mode");
		assertThat(before.on()).isFalse();
		assertThat(before.key()).isEqualTo("dark-mode");

		Path file = dir.resolve("flags.json");
		String edited = Files.readString(file)
			.replace("\"dark-mode\": { \"on\": false", "\"dark-mode\": { \"on\": true")
			.replace("    \"beta-banner\"", "    \"new-flag\": { \"on\": true },\n    \"beta-banner\"");
		assertThat(edited).contains("\"dark-mode\": { \"on\": true").contains("new-flag");
		// Saved as editors do: a temporary file renamed over the old one.
		Path temp = dir.resolve("flags.json.tmp");
		Files.writeString(temp, edited);
		Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

		await().atMost(Duration.ofSeconds(15)).until(() -> flag("dark-mode").on());
		assertThat(flag("dark-mode").version()).isGreaterThan(before.version());
		assertThat(flag("new-flag").key()).isEqualTo("new-flag");
		assertThat(flag("search-v2").version()).isEqualTo(3);

		// A broken edit keeps the last good flags, and the source says what is wrong.
		Files.writeString(file, "{ \"features\": { \"dark-mode\": ");
		await().atMost(Duration.ofSeconds(15))
			.until(() -> this.sourceStatus.getStatus().getState() == FlagSourceState.INTERRUPTED);
		assertThat(this.sourceStatus.getStatus().getLastError().message()).contains(file.toString())
			.contains("line 1");
		assertThat(flag("dark-mode").on()).isTrue();
	}

	private Flag flag(String key) {
		ItemDescriptor item = this.store.get(Flag.KIND, key);
		assertThat(item).as(key).isNotNull();
		return (Flag) item.item();
	}

}
