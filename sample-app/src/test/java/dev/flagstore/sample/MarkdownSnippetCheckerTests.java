package dev.flagstore.sample;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.flagstore.sample.MarkdownSnippetChecker.Problem;
import dev.flagstore.sample.MarkdownSnippetChecker.Report;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The snippet checker on in-memory documents and sources, so that each way a snippet can go wrong is seen to fail.
 */
class MarkdownSnippetCheckerTests {

	private static final String SOURCE = "app/src/test/java/example/Example.java";

	private static final List<String> EXAMPLE = List.of(
			"package example;",
			"",
			"import dev.flagstore.store.DataStore;",
			"",
			"/** An example. */",
			"class Example {",
			"",
			"\t// tag::read[]",
			"\tvoid read(DataStore store) {",
			"\t\tstore.get(KIND, \"key\"); // a comment that is shown",
			"\t}",
			"\t// end::read[]",
			"",
			"\t// tag::twice[]",
			"\tint first;",
			"\t// tag::inner[]",
			"\tint second;",
			"\t// end::inner[]",
			"\t// end::twice[]",
			"",
			"\tint skipped;",
			"",
			"\t// tag::twice[]",
			"\tint third;",
			"\t// end::twice[]",
			"",
			"\t// tag::open[]",
			"\tint neverClosed;",
			"",
			"}");

	private final MarkdownSnippetChecker checker = new MarkdownSnippetChecker(
			(path) -> Optional.ofNullable(Map.of(SOURCE, EXAMPLE).get(path)));

	@Test
	void blockEqualToItsRegionShouldPassWhateverItsIndentation() {
		Report report = check("""
				Text.

				<!-- snippet: app/src/test/java/example/Example.java#read -->
				```java
				void read(DataStore store) {
				    store.get(KIND, "key"); // a comment that is shown
				}
				```

				1. In a list item:

				   <!-- snippet: app/src/test/java/example/Example.java#read -->
				   ```java
				   \tvoid read(DataStore store) {
				   \t\tstore.get(KIND, "key"); // a comment that is shown
				   \t}
				   ```
				""");
		assertThat(report.problems()).isEmpty();
		assertThat(report.markedBlocks()).isEqualTo(2);
	}

	@Test
	void blockThatDiffersShouldNameFileLineExpectedAndActual() {
		Report report = check("""
				# Guide

				<!-- snippet: app/src/test/java/example/Example.java#read -->
				```java
				void read(DataStore store) {
				    store.get(OTHER_KIND, "key");
				}
				```
				""");
		assertThat(report.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.document()).isEqualTo("docs/guide.md");
			assertThat(problem.line()).isEqualTo(4);
			assertThat(problem.toString()).startsWith("docs/guide.md:4: the code block differs from "
					+ SOURCE + "#read, first at line 6 of docs/guide.md")
				.contains("expected: \"    store.get(KIND, \"key\"); // a comment that is shown\"")
				.contains("actual:   \"    store.get(OTHER_KIND, \"key\");\"")
				.contains("to copy into the block:\n    void read(DataStore store) {\n");
		});
	}

	@Test
	void blockWithALineMoreThanItsRegionShouldFail() {
		Report report = check("""
				<!-- snippet: app/src/test/java/example/Example.java#read -->
				```java
				void read(DataStore store) {
				    store.get(KIND, "key"); // a comment that is shown
				}
				store.close();
				```
				""");
		assertThat(report.problems()).singleElement()
			.extracting(Problem::message)
			.asString()
			.contains("first at line 6 of docs/guide.md")
			.contains("expected: (end of block)")
			.contains("actual:   \"store.close();\"");
	}

	@Test
	void markerNamingAMissingFileShouldFail() {
		Report report = check("""
				<!-- snippet: app/src/test/java/example/Gone.java#read -->
				```java
				void read() {
				}
				```
				""");
		assertThat(report.problems()).singleElement()
			.hasToString("docs/guide.md:1: the snippet marker names app/src/test/java/example/Gone.java, "
					+ "which does not exist");
	}

	@Test
	void markerNamingAMissingTagShouldFailAndListTheTagsThereAre() {
		Report report = check("""
				<!-- snippet: app/src/test/java/example/Example.java#write -->
				```java
				void write() {
				}
				```
				""");
		assertThat(report.problems()).singleElement()
			.hasToString("docs/guide.md:1: " + SOURCE
					+ ": no tag::write[] region (its tags: inner, open, read, twice)");
	}

	@Test
	void regionThatIsNeverClosedShouldFail() {
		Report report = check("""
				<!-- snippet: app/src/test/java/example/Example.java#open -->
				```java
				int neverClosed;
				```
				""");
		assertThat(report.problems()).singleElement()
			.hasToString("docs/guide.md:1: " + SOURCE + ": tag::open[] at line 27 is never closed with end::open[]");
	}

	@Test
	void repeatedTagShouldJoinItsRegionsWithoutTheMarkerLinesOfOtherTags() {
		assertThat(MarkdownSnippetChecker.region(EXAMPLE, "twice")).containsExactly("\tint first;", "\tint second;",
				"\tint third;");
	}

	@Test
	void endWithoutTagShouldBeRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MarkdownSnippetChecker.region(List.of("// end::x[]", "// tag::x[]", "// end::x[]"), "x"))
			.withMessage("end::x[] at line 1 closes no open tag::x[]");
	}

	@Test
	void markerWithoutTagShouldTakeTheFileWithoutPackageImportsAndComments() {
		List<String> source = List.of("package example;", "", "import java.util.List;", "", "/**",
				" * An interface.", " */", "public interface Shapes {", "", "\t/** Javadoc. */", "\tList<String> all();",
				"", "\t// A line comment.", "", "\tint count();", "", "}");
		assertThat(MarkdownSnippetChecker.normalize(MarkdownSnippetChecker.region(source, null)))
			.containsExactly("public interface Shapes {", "", "    List<String> all();", "", "    int count();", "",
					"}");
	}

	@Test
	void unmarkedJavaBlockShouldFail() {
		Report report = check("""
				Some text.

				```java
				DataStore store = new InMemoryDataStore();
				```

				```Java
				@Bean
				ControllablePersistentDataStore store() {
				}
				```
				""");
		assertThat(report.problems()).extracting(Problem::line).containsExactly(3, 7);
		assertThat(report.problems().get(0).message()).startsWith("this java block is not taken from compiled code")
			.contains("<!-- snippet: path/to/File.java#tag-name -->");
	}

	@Test
	void unmarkedBlocksInOtherLanguagesShouldPass() {
		Report report = check("""
				```properties
				flagstore.store.type=jdbc
				```

				```
				WARN ... d.f.store.PersistentDataStoreWrapper : Persistent data store is unavailable
				```
				""");
		assertThat(report.problems()).isEmpty();
		assertThat(report.markedBlocks()).isZero();
	}

	@Test
	void javaBlockFromAFileThatIsNotCompiledShouldFail() {
		Report report = check("""
				<!-- snippet: docs/Example.java#read -->
				```java
				void read() {
				}
				```
				""");
		assertThat(report.problems()).singleElement()
			.extracting(Problem::message)
			.asString()
			.startsWith("the java block's snippet docs/Example.java#read is not a .java file in a src/main/java");
	}

	@Test
	void markerNotFollowedByABlockShouldFail() {
		Report report = check("""
				<!-- snippet: app/src/test/java/example/Example.java#read -->

				```java
				void read(DataStore store) {
				}
				```
				""");
		assertThat(report.problems()).extracting(Problem::line).containsExactly(1, 3);
		assertThat(report.problems()).extracting(Problem::message)
			.satisfiesExactly((first) -> assertThat(first).startsWith("the snippet marker is not directly followed"),
					(second) -> assertThat(second).startsWith("this java block is not taken from compiled code"));
	}

	@Test
	void unreadableMarkerShouldFail() {
		Report report = check("""
				<!-- snippet: Example.java read -->
				```xml
				<a/>
				```
				""");
		assertThat(report.problems()).singleElement()
			.extracting(Problem::message)
			.asString()
			.startsWith("unreadable snippet marker");
	}

	@Test
	void blockThatIsNeverClosedShouldFail() {
		Report report = check("""
				<!-- snippet: app/src/test/java/example/Example.java#read -->
				```java
				void read(DataStore store) {
				""");
		assertThat(report.problems()).extracting(Problem::message)
			.first()
			.asString()
			.isEqualTo("the code block is never closed");
	}

	private Report check(String markdown) {
		return this.checker.check("docs/guide.md", markdown.lines().toList());
	}

}
