package dev.flagstore.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.flagstore.sample.MarkdownSnippetChecker.Problem;
import dev.flagstore.sample.MarkdownSnippetChecker.Report;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the Java code of {@code README.md} and {@code docs/*.md} in step with compiled code: every {@code java}
 * block is marked, and every marked code block equals its tagged region. The convention is described on
 * {@link MarkdownSnippetChecker}.
 */
class DocSnippetsTests {

	/** The repository root, seen from the sample-app module folder, where Maven runs the tests. */
	private static final Path ROOT = Path.of("..");

	/** Document → its report. */
	private static final Map<String, Report> reports = new TreeMap<>();

	@BeforeAll
	static void check() throws IOException {
		MarkdownSnippetChecker checker = new MarkdownSnippetChecker(DocSnippetsTests::read);
		for (String document : documents()) {
			reports.put(document, checker.check(document, Files.readAllLines(ROOT.resolve(document),
					StandardCharsets.UTF_8)));
		}
	}

	@Test
	void checkShouldHaveFoundTheDocumentsAndTheirMarkedBlocks() {
		// Guards the test itself: with no documents or no markers found, the next test would pass on nothing.
		assertThat(reports).containsKeys("README.md", "docs/getting-started.md", "docs/custom-store.md",
				"docs/spring-boot.md", "docs/stores.md", "docs/metrics.md");
		assertThat(reports.get("README.md").markedBlocks()).isEqualTo(1);
		assertThat(reports.values().stream().mapToInt(Report::markedBlocks).sum()).isGreaterThanOrEqualTo(10);
	}

	@Test
	void everyJavaBlockShouldBeATaggedRegionOfCompiledCode() {
		List<Problem> problems = new ArrayList<>();
		reports.values().forEach((report) -> problems.addAll(report.problems()));
		assertThat(problems)
			.withFailMessage(() -> problems.size() + " doc snippet problem(s):\n\n"
					+ problems.stream().map(Problem::toString).collect(Collectors.joining("\n\n")))
			.isEmpty();
	}

	/** {@code README.md} and every {@code docs/*.md}, as paths relative to the root. */
	private static List<String> documents() throws IOException {
		List<String> documents = new ArrayList<>();
		documents.add("README.md");
		try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
			docs.map((path) -> "docs/" + path.getFileName())
				.filter((name) -> name.endsWith(".md"))
				.sorted()
				.forEach(documents::add);
		}
		return documents;
	}

	private static Optional<List<String>> read(String path) {
		Path root = ROOT.toAbsolutePath().normalize();
		Path file = root.resolve(path).normalize();
		// A marker names files of this repository only.
		if (!file.startsWith(root) || !Files.isRegularFile(file)) {
			return Optional.empty();
		}
		try {
			return Optional.of(Files.readAllLines(file, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + file, ex);
		}
	}

}
