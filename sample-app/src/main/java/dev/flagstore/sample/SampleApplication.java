package dev.flagstore.sample;

import dev.flagstore.store.DataKind;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A web application that keeps its feature flags in flagstore, fed by flagstore's file source from
 * {@code flags.json} ({@code flagstore.source.type=file}).
 */
@SpringBootApplication
public class SampleApplication {

	/**
	 * Starts the application.
	 * @param args command-line arguments
	 */
	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

	/**
	 * The kind of the sample's items: the file source reads the {@code features} key of the flags file into it.
	 * @return the kind
	 */
	// tag::data-kind-bean[]
	@Bean
	DataKind flagKind() {
		return Flag.KIND;
	}
	// end::data-kind-bean[]

}
