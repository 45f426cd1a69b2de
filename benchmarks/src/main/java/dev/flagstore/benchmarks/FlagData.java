package dev.flagstore.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import dev.flagstore.store.KeyedItems;
import tools.jackson.databind.JsonNode;

/**
 * The data every benchmark reads: {@value #ITEM_COUNT} feature flags in LaunchDarkly's flag JSON schema (targets,
 * two rules with clauses, a percentage rollout, 1.1 KB each on average) under random keys, and random key sequences to
 * read them in. Everything is derived from fixed seeds, so each fork sees the same data.
 */
final class FlagData {

	/** How many flags the store holds. */
	static final int ITEM_COUNT = 1_000;

	/** Length of a key sequence; a power of two so that the next index is one mask. */
	static final int SEQUENCE_LENGTH = 4_096;

	/** Our kind: JSON items read into a Jackson tree. */
	static final DataKind FEATURES = DataKind.json("features", JsonNode.class);

	private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

	private final List<String> keys;

	private final List<String> missingKeys;

	private final Map<String, String> json;

	private FlagData(List<String> keys, List<String> missingKeys, Map<String, String> json) {
		this.keys = keys;
		this.missingKeys = missingKeys;
		this.json = json;
	}

	/** The shared data set (keys and JSON documents), built once per JVM. */
	static FlagData get() {
		return Holder.INSTANCE;
	}

	/** The flag keys, in the order they were generated. */
	List<String> keys() {
		return this.keys;
	}

	/** {@value #ITEM_COUNT} keys of the same shape that no store holds, for the miss benchmarks. */
	List<String> missingKeys() {
		return this.missingKeys;
	}

	/** Each flag's JSON document (version 1), by key, in key order. */
	Map<String, String> json() {
		return this.json;
	}

	/** Mean size of a flag document in bytes (UTF-8 equals length: the documents are ASCII). */
	double meanJsonBytes() {
		return this.json.values().stream().mapToInt(String::length).average().orElse(0);
	}

	/** The data set as our {@link FullDataSet}, items decoded by {@link #FEATURES}. */
	FullDataSet<ItemDescriptor> toFullDataSet() {
		Map<String, ItemDescriptor> items = new LinkedHashMap<>();
		this.json.forEach((key, doc) -> items.put(key, FEATURES.deserialize(doc)));
		Map<DataKind, KeyedItems<ItemDescriptor>> data = new LinkedHashMap<>();
		data.put(FEATURES, new KeyedItems<>(items));
		return new FullDataSet<>(data);
	}

	/**
	 * A random sequence of existing keys (uniform, with repeats) of length {@link #SEQUENCE_LENGTH}.
	 * @param seed differs per thread so that threads do not read in lock step
	 */
	String[] keySequence(long seed) {
		return sequence(this.keys, seed);
	}

	/** Like {@link #keySequence}, of {@link #missingKeys()}. */
	String[] missingKeySequence(long seed) {
		return sequence(this.missingKeys, seed);
	}

	private static String[] sequence(List<String> from, long seed) {
		Random random = new Random(seed);
		String[] sequence = new String[SEQUENCE_LENGTH];
		for (int i = 0; i < sequence.length; i++) {
			sequence[i] = from.get(random.nextInt(from.size()));
		}
		return sequence;
	}

	private static FlagData generate() {
		Random random = new Random(20261125L);
		List<String> keys = new ArrayList<>(ITEM_COUNT);
		while (keys.size() < ITEM_COUNT) {
			String key = "flag-" + randomWord(random, 6) + "-" + randomWord(random, 8);
			if (!keys.contains(key)) {
				keys.add(key);
			}
		}
		Map<String, String> json = new LinkedHashMap<>();
		for (String key : keys) {
			json.put(key, flagJson(key, random));
		}
		// Drawn after the documents, so the data set is the same as before misses were benchmarked.
		java.util.Set<String> taken = new java.util.HashSet<>(keys);
		List<String> missing = new ArrayList<>(ITEM_COUNT);
		while (missing.size() < ITEM_COUNT) {
			String key = "flag-" + randomWord(random, 6) + "-" + randomWord(random, 8);
			if (taken.add(key)) {
				missing.add(key);
			}
		}
		return new FlagData(Collections.unmodifiableList(keys), Collections.unmodifiableList(missing),
				Collections.unmodifiableMap(json));
	}

	/** One flag as LaunchDarkly's server-side flag JSON: what a real store holds for one key. */
	private static String flagJson(String key, Random random) {
		StringBuilder targets = new StringBuilder();
		for (int i = 0; i < 6; i++) {
			targets.append(i == 0 ? "" : ",").append('"').append("user-").append(randomWord(random, 10)).append('"');
		}
		return "{\"key\":\"" + key + "\",\"version\":1,\"on\":true,\"prerequisites\":[],"
				+ "\"salt\":\"" + randomWord(random, 32) + "\","
				+ "\"targets\":[{\"values\":[" + targets + "],\"variation\":0}],\"contextTargets\":[],"
				+ "\"rules\":[{\"id\":\"" + randomWord(random, 36) + "\",\"variation\":1,"
				+ "\"clauses\":[{\"contextKind\":\"user\",\"attribute\":\"email\",\"op\":\"endsWith\","
				+ "\"values\":[\"@example.com\",\"@example.org\"],\"negate\":false}],\"trackEvents\":false},"
				+ "{\"id\":\"" + randomWord(random, 36) + "\",\"rollout\":{\"variations\":["
				+ "{\"variation\":0,\"weight\":60000},{\"variation\":1,\"weight\":40000}],\"bucketBy\":\"key\"},"
				+ "\"clauses\":[{\"contextKind\":\"user\",\"attribute\":\"country\",\"op\":\"in\","
				+ "\"values\":[\"DE\",\"FR\",\"NL\",\"SE\"],\"negate\":false}],\"trackEvents\":false}],"
				+ "\"fallthrough\":{\"rollout\":{\"variations\":[{\"variation\":0,\"weight\":50000},"
				+ "{\"variation\":1,\"weight\":50000}]}},\"offVariation\":1,\"variations\":[true,false],"
				+ "\"clientSideAvailability\":{\"usingMobileKey\":false,\"usingEnvironmentId\":false},"
				+ "\"clientSide\":false,\"trackEvents\":false,\"trackEventsFallthrough\":false,"
				+ "\"debugEventsUntilDate\":null,\"deleted\":false}";
	}

	private static String randomWord(Random random, int length) {
		StringBuilder word = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			word.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
		}
		return word.toString();
	}

	private static final class Holder {

		static final FlagData INSTANCE = generate();

	}

}
