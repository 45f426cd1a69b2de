package dev.flagstore.spring.redis;

import java.time.Duration;
import java.util.Map;

import dev.flagstore.spring.TestServers;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.test.PersistentDataStoreContractTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link PersistentDataStoreContractTests contract suite} on a real Redis server. Each store instance gets a
 * connection factory of its own, as separate application instances would.
 */
@ExtendWith(TestServers.class)
class RedisPersistentDataStoreIT extends PersistentDataStoreContractTests {

	private final RedisServerKeys redis;

	private final String prefix;

	RedisPersistentDataStoreIT(RedisServerKeys redis) {
		this.redis = redis;
		this.prefix = redis.prefix();
	}

	@Override
	protected PersistentDataStore createStore() {
		LettuceConnectionFactory factory = this.redis.newFactory(this.redis.endpoint(), Duration.ofSeconds(5));
		return new RedisPersistentDataStore(factory, this.prefix);
	}

	@Override
	protected void clearData() {
		this.redis.clear();
	}

	@Override
	protected boolean writeRawItem(DataKind kind, String key, int version, String rawValue) {
		RedisPersistentDataStore layout = new RedisPersistentDataStore(this.redis.adminFactory(), this.prefix);
		StringRedisTemplate admin = this.redis.admin();
		admin.opsForHash().put(layout.itemsKey(kind.getName()), key, rawValue);
		admin.opsForHash().put(layout.versionsKey(kind.getName()), key, Integer.toString(version));
		return true;
	}

	@Test
	void descriptionShouldNameThePrefixAndTheServerVersionButNoConnectionDetails() {
		PersistentDataStore store = newStore();
		assertThat(store.describeConfiguration()).containsEntry("type", "redis")
			.containsEntry("prefix", this.prefix)
			.doesNotContainKey("serverVersion");
		assertThat(store.isStoreAvailable()).isTrue();
		Map<String, Object> description = store.describeConfiguration();
		assertThat(description).containsEntry("product", "Redis");
		assertThat(description.get("serverVersion").toString()).matches("\\d+\\.\\d+.*");
		assertThat(description.toString()).doesNotContain("redis://", "127.0.0.1", "localhost", "password");
	}

	@Test
	void keyLayoutIsAsDocumented() {
		PersistentDataStore store = newStore();
		store.init(dataSet(Map.of(FEATURES, Map.of("a", item("a", 3)))));
		StringRedisTemplate admin = this.redis.admin();
		String prefix = this.prefix;
		assertThat(admin.keys(prefix + ":*")).containsExactlyInAnyOrder(prefix + ":features",
				prefix + ":$versions:features", prefix + ":$kinds", prefix + ":$inited");
		assertThat(admin.opsForHash().get(prefix + ":features", "a")).isEqualTo(item("a", 3).serializedItem());
		assertThat(admin.opsForHash().get(prefix + ":$versions:features", "a")).isEqualTo("3");
		assertThat(admin.opsForSet().members(prefix + ":$kinds")).containsExactly("features");
	}

	@Test
	void itemWrittenWithoutVersionEntryIsOrderedByItsJsonVersion() {
		PersistentDataStore store = newStore();
		// As another tool (or an older layout) would write it: the item hash only.
		this.redis.admin().opsForHash().put(this.prefix + ":features", "a", item("a", 5).serializedItem());
		assertThat(store.upsert(FEATURES, "a", item("a", 4))).isFalse();
		assertThat(store.upsert(FEATURES, "a", item("a", 5))).isFalse();
		assertThat(store.upsert(FEATURES, "a", item("a", 6))).isTrue();
	}

	@Test
	void malformedItemWithoutVersionEntryCanBeReplaced() {
		PersistentDataStore store = newStore();
		this.redis.admin().opsForHash().put(this.prefix + ":features", "bad", "{oops");
		assertThat(store.get(FEATURES, "bad")).isNotNull();
		assertThat(store.upsert(FEATURES, "bad", item("bad", 1))).isTrue();
		assertThat(resolve(FEATURES, store.get(FEATURES, "bad"))).isEqualTo(resolve(FEATURES, item("bad", 1)));
	}

}
