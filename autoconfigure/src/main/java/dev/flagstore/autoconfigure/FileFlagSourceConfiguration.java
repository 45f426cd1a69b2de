package dev.flagstore.autoconfigure;

import java.util.List;

import dev.flagstore.source.FileFlagSource;
import dev.flagstore.source.FlagSource;
import dev.flagstore.store.DataKind;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;

/**
 * The flag source when {@code flagstore.source.type=file} and the application defines no {@link FlagSource}: a
 * {@link FileFlagSource} over {@code flagstore.source.file.paths}, for the application's {@link DataKind} beans.
 * {@link FlagstoreProperties} has already checked that the paths exist.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "flagstore.source.type", havingValue = "file")
class FileFlagSourceConfiguration {

	// Closed by the FlagSourceRunner, which owns it once started (close() is idempotent).
	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean(FlagSource.class)
	FileFlagSource flagstoreFileFlagSource(FlagstoreProperties properties, ObjectProvider<DataKind> dataKinds,
			ResourceLoader resourceLoader) {
		List<DataKind> kinds = dataKinds.orderedStream().toList();
		if (kinds.isEmpty()) {
			throw new IllegalStateException("flagstore.source.type=file needs the application's DataKind beans: the "
					+ "top-level keys of a flags file are kind names. Define one, for example "
					+ "@Bean DataKind features() { return DataKind.json(\"features\", Flag.class); }");
		}
		FlagstoreProperties.Source.File file = properties.getSource().getFile();
		FileFlagSource.Builder builder = FileFlagSource.builder(kinds)
			.pollInterval(file.getPollInterval())
			.debounce(file.getDebounce());
		ClassLoader classLoader = (resourceLoader.getClassLoader() != null) ? resourceLoader.getClassLoader()
				: ClassUtils.getDefaultClassLoader();
		file.getPaths().forEach((location) -> FlagFileLocation.addTo(builder, location, classLoader));
		return builder.build();
	}

}
