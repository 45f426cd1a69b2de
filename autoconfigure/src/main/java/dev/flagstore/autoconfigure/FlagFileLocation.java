package dev.flagstore.autoconfigure;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.flagstore.source.FileFlagSource;
import org.jspecify.annotations.Nullable;

/**
 * One entry of {@code flagstore.source.file.paths}: a file path ({@code /etc/flags.json}, {@code flags.yaml},
 * {@code file:/etc/flags.json}) or a classpath resource ({@code classpath:flags.json}).
 */
final class FlagFileLocation {

	static final String CLASSPATH_PREFIX = "classpath:";

	private static final String FILE_PREFIX = "file:";

	private FlagFileLocation() {
	}

	/**
	 * What is wrong with a location at start-up, or {@code null} if it can be read.
	 * @param location the entry
	 * @return the problem, or {@code null}
	 */
	static @Nullable String problem(String location) {
		if (location == null || location.isBlank()) {
			return "has an empty entry";
		}
		if (location.startsWith(CLASSPATH_PREFIX)) {
			String resource = resource(location);
			ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
			if (classLoader == null) {
				classLoader = FlagFileLocation.class.getClassLoader();
			}
			return (classLoader.getResource(resource) != null) ? null
					: "names the classpath resource " + resource + ", which does not exist";
		}
		try {
			Path path = path(location);
			if (!Files.isRegularFile(path)) {
				return "names the file " + path.toAbsolutePath() + ", which does not exist"
						+ (Files.isDirectory(path) ? " (it is a directory)" : "");
			}
			return null;
		}
		catch (IllegalArgumentException ex) {
			// InvalidPathException, or a file: URI that is not one
			return "names " + location + ", which is not a valid path: " + ex.getMessage();
		}
	}

	/**
	 * Adds a location to a file source: a file to watch, or a resource to read once.
	 * @param builder the source's builder
	 * @param location the entry
	 * @param classLoader where classpath resources are found
	 */
	static void addTo(FileFlagSource.Builder builder, String location, ClassLoader classLoader) {
		if (location.startsWith(CLASSPATH_PREFIX)) {
			builder.classpathResource(resource(location), classLoader);
		}
		else {
			builder.path(path(location));
		}
	}

	private static String resource(String location) {
		String resource = location.substring(CLASSPATH_PREFIX.length());
		return resource.startsWith("/") ? resource.substring(1) : resource;
	}

	private static Path path(String location) {
		if (location.startsWith("file://")) {
			return Path.of(URI.create(location));
		}
		return Path.of(location.startsWith(FILE_PREFIX) ? location.substring(FILE_PREFIX.length()) : location);
	}

}
