package dev.flagstore.autoconfigure;

import java.net.URI;
import java.util.List;

import dev.flagstore.source.FlagSource;
import dev.flagstore.source.HttpFlagSource;
import dev.flagstore.store.DataKind;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The flag source when {@code flagstore.source.type=http} and the application defines no {@link FlagSource}: an
 * {@link HttpFlagSource} polling {@code flagstore.source.http.url} for the application's {@link DataKind} beans,
 * with the configured headers (their values are secrets: never logged or shown). {@link FlagstoreProperties} has
 * already checked the URL.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "flagstore.source.type", havingValue = "http")
class HttpFlagSourceConfiguration {

	// Closed by the FlagSourceRunner, which owns it once started (close() is idempotent).
	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean(FlagSource.class)
	HttpFlagSource flagstoreHttpFlagSource(FlagstoreProperties properties, ObjectProvider<DataKind> dataKinds) {
		List<DataKind> kinds = dataKinds.orderedStream().toList();
		if (kinds.isEmpty()) {
			throw new IllegalStateException("flagstore.source.type=http needs the application's DataKind beans: the "
					+ "top-level keys of the data set are kind names. Define one, for example "
					+ "@Bean DataKind features() { return DataKind.json(\"features\", Flag.class); }");
		}
		FlagstoreProperties.Source.Http http = properties.getSource().getHttp();
		HttpFlagSource.Builder builder = HttpFlagSource.builder(URI.create(http.getUrl()), kinds)
			.pollInterval(http.getPollInterval())
			.requestTimeout(http.getRequestTimeout());
		http.getHeaders().forEach(builder::header);
		return builder.build();
	}

}
