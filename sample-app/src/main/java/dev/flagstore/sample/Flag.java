package dev.flagstore.sample;

import dev.flagstore.store.DataKind;
import org.jspecify.annotations.Nullable;

/**
 * A feature flag as this application models it: stored as JSON through flagstore.
 *
 * @param key the flag's key
 * @param version its version; every change increases it
 * @param on whether the feature is on
 * @param description what the flag controls
 */
// tag::flag-record[]
public record Flag(String key, int version, boolean on, @Nullable String description) {

	/** The kind under which flags are stored. */
	public static final DataKind KIND = DataKind.json("features", Flag.class);

}
// end::flag-record[]
