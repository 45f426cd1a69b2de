package dev.flagstore.spring.endpoint;

import java.util.Objects;

import dev.flagstore.source.FlagSource;
import dev.flagstore.store.DataStore;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * Adds {@code flagstore} to the {@code info} endpoint: the store's and the flag source's configuration as they
 * describe themselves (the same section as the {@code flagstore} endpoint's {@code configuration}), without secrets.
 * Off by default, as Spring Boot's own {@code env}, {@code java} and {@code os} contributors are: enable it with
 * {@code management.info.flagstore.enabled=true}.
 */
public class FlagstoreInfoContributor implements InfoContributor {

	private final DataStore store;

	private final @Nullable FlagSource source;

	/**
	 * Creates the contributor.
	 * @param store the data store
	 * @param source the flag source, or {@code null}
	 */
	public FlagstoreInfoContributor(DataStore store, @Nullable FlagSource source) {
		this.store = Objects.requireNonNull(store, "store");
		this.source = source;
	}

	@Override
	public void contribute(Info.Builder builder) {
		builder.withDetail("flagstore", FlagstoreEndpoint.configuration(this.store, this.source));
	}

}
