package dev.flagstore.spring.jdbc;

import java.time.Duration;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import dev.flagstore.store.CacheMode;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.MalformedItemException;
import dev.flagstore.store.PersistentDataStoreWrapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Rows that break the rules (malformed JSON, a live row without an item, a negative version) give an error for
 * that item only; the store stays available and the other items stay readable.
 */
class JdbcMalformedRowTests {

	private static final DataKind FEATURES = DataKind.json("features", Map.class);

	private final HikariDataSource dataSource = JdbcSchemaInitializerTests.h2("malformed");

	private final JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);

	private PersistentDataStoreWrapper store;

	@BeforeEach
	void setUp() {
		new JdbcSchemaInitializer(this.dataSource, "flagstore_").initialize();
		this.store = PersistentDataStoreWrapper.builder(new JdbcPersistentDataStore(this.dataSource, "flagstore_"))
			.cacheMode(CacheMode.NONE)
			.heartbeatInterval(Duration.ZERO)
			.build();
		this.store.init(new FullDataSet<>(Map.of(FEATURES, new dev.flagstore.store.KeyedItems<>(
				Map.of("good", new ItemDescriptor(1, Map.of("on", true)))))));
	}

	@AfterEach
	void tearDown() {
		this.store.close();
		this.dataSource.close();
	}

	@Test
	void malformedJsonIsReportedForThatItem() {
		insert("bad", 2, false, "{\"version\":2,");
		assertThatExceptionOfType(MalformedItemException.class).isThrownBy(() -> this.store.get(FEATURES, "bad"))
			.withMessageContaining("'bad'")
			.withMessageContaining("features");
		assertStoreStillWorks();
	}

	@Test
	void liveRowWithoutItemIsReportedForThatItem() {
		insert("empty", 2, false, null);
		assertThatExceptionOfType(MalformedItemException.class).isThrownBy(() -> this.store.get(FEATURES, "empty"));
		assertStoreStillWorks();
	}

	@Test
	void negativeVersionFallsBackToTheItemsOwnVersion() {
		insert("negative", -5, false, "{\"version\":3,\"on\":false}");
		ItemDescriptor item = this.store.get(FEATURES, "negative");
		assertThat(item).isNotNull();
		assertThat(item.version()).isEqualTo(3);
		assertStoreStillWorks();
	}

	@Test
	void malformedRowCanBeReplacedByNewerUpsert() {
		insert("bad", 2, false, "not json");
		assertThat(this.store.upsert(FEATURES, "bad", new ItemDescriptor(3, Map.of("on", true)))).isTrue();
		assertThat(this.store.get(FEATURES, "bad")).isNotNull();
	}

	private void insert(String key, int version, boolean deleted, String item) {
		this.jdbc.update("INSERT INTO flagstore_items (kind, item_key, version, deleted, item) VALUES (?, ?, ?, ?, ?)",
				"features", key, version, deleted, item);
	}

	private void assertStoreStillWorks() {
		assertThat(this.store.get(FEATURES, "good")).isNotNull();
		assertThat(this.store.getStatusProvider().getStatus().isAvailable()).isTrue();
	}

}
