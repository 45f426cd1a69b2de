package dev.flagstore.spring.redis;

import java.time.Duration;

import java.util.Map;

import dev.flagstore.store.DataKind;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.test.PersistentDataStoreContractTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link PersistentDataStoreContractTests contract suite} on a real Redis server. Each store instance gets a
 * connection factory of its own, as separate application instances would.
 */
class RedisPersistentDataStoreIT extends PersistentDataStoreContractTests {

	private static final RedisServerKeys redis = new RedisServerKeys(RedisPersistentDataStoreIT.class);

	private static final String PREFIX = redis.prefix();

	@BeforeAll
	static void connect() {
		redis.connect();
	}

	@AfterAll
	static void cleanUp() {
		redis.cleanUp();
	}

	@AfterEach
	void destroyFactories() {
		redis.destroyFactories();
	}

	@Override
	protected PersistentDataStore createStore() {
		LettuceConnectionFactory factory = redis.newFactory(redis.endpoint(), Duration.ofSeconds(5));
		return new RedisPersistentDataStore(factory, PREFIX);
	}

	@Override
	protected void clearData() {
		redis.clear();
	}

	@Override
	protected boolean writeRawItem(DataKind kind, String key, int version, String rawValue) {
		RedisPersistentDataStore layout = new RedisPersistentDataStore(redis.adminFactory(), PREFIX);
		redis.admin().opsForHash().put(layout.itemsKey(kind.getName()), key, rawValue);
		redis.admin().opsForHash().put(layout.versionsKey(kind.getName()), key, Integer.toString(version));
		return true;
	}

	@Test
	void keyLayoutIsAsDocumented() {
		PersistentDataStore store = newStore();
		store.init(dataSet(Map.of(FEATURES, Map.of("a", item("a", 3)))));
		assertThat(redis.admin().keys(PREFIX + ":*")).containsExactlyInAnyOrder(PREFIX + ":features",
				PREFIX + ":$versions:features", PREFIX + ":$kinds", PREFIX + ":$inited");
		assertThat(redis.admin().opsForHash().get(PREFIX + ":features", "a")).isEqualTo(item("a", 3).serializedItem());
		assertThat(redis.admin().opsForHash().get(PREFIX + ":$versions:features", "a")).isEqualTo("3");
		assertThat(redis.admin().opsForSet().members(PREFIX + ":$kinds")).containsExactly("features");
	}

	@Test
	void itemWrittenWithoutVersionEntryIsOrderedByItsJsonVersion() {
		PersistentDataStore store = newStore();
		// As another tool (or an older layout) would write it: the item hash only.
		redis.admin().opsForHash().put(PREFIX + ":features", "a", item("a", 5).serializedItem());
		assertThat(store.upsert(FEATURES, "a", item("a", 4))).isFalse();
		assertThat(store.upsert(FEATURES, "a", item("a", 5))).isFalse();
		assertThat(store.upsert(FEATURES, "a", item("a", 6))).isTrue();
	}

	@Test
	void malformedItemWithoutVersionEntryCanBeReplaced() {
		PersistentDataStore store = newStore();
		redis.admin().opsForHash().put(PREFIX + ":features", "bad", "{oops");
		assertThat(store.get(FEATURES, "bad")).isNotNull();
		assertThat(store.upsert(FEATURES, "bad", item("bad", 1))).isTrue();
		assertThat(resolve(FEATURES, store.get(FEATURES, "bad"))).isEqualTo(resolve(FEATURES, item("bad", 1)));
	}

}
