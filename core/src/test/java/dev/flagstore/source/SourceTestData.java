package dev.flagstore.source;

import java.util.List;

import dev.flagstore.store.DataKind;

/** Kinds and bodies for the source tests. */
final class SourceTestData {

	/** slf4j-simple's level property for the HTTP source's logger. */
	static final String DEBUG_PROPERTY = "org.slf4j.simpleLogger.log." + HttpFlagSource.class.getName();

	static {
		// Before HttpFlagSource's logger exists (every test of it uses this class first): the secrets test also
		// reads the source's DEBUG lines.
		System.setProperty(DEBUG_PROPERTY, "debug");
	}

	/** A flag as an application would model it. */
	record Flag(String key, int version, boolean on) {
	}

	static final DataKind FEATURES = DataKind.json("features", Flag.class);

	static final DataKind SEGMENTS = DataKind.json("segments", Flag.class);

	static final List<DataKind> KINDS = List.of(FEATURES, SEGMENTS);

	/** One feature {@code f1} at {@code version}, on or off. */
	static String body(int version, boolean on) {
		return "{\"features\": {\"f1\": {\"key\": \"f1\", \"version\": " + version + ", \"on\": " + on + "}},"
				+ " \"segments\": {}}";
	}

	private SourceTestData() {
	}

}
