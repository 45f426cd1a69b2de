package dev.flagstore.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Checks that the code blocks of a Markdown document are copies of tagged regions of compiled sources, so that the
 * documentation shows only code that compiles and stays in step with it.
 *
 * <p>The convention:
 * <ul>
 * <li>A fenced code block is taken from a source when the line right before its opening fence is
 * {@code <!-- snippet: path/to/File.java#tag-name -->}, the path relative to the repository root. The marker is
 * an HTML comment, so it does not show in the rendered page.</li>
 * <li>In the source, the region is every line between a line containing {@code tag::tag-name[]} and the next line
 * containing {@code end::tag-name[]} (as comments: {@code // tag::tag-name[]}, the Asciidoctor convention). A tag
 * may be used several times in one file: its regions are joined in order. Lines that hold a tag or end marker of
 * any name are left out, so regions may overlap or nest.</li>
 * <li>Without {@code #tag-name}, the block is the whole file without its {@code package} line, imports and
 * whole-line comments (for an interface shown as an outline, in a source that carries no tags).</li>
 * <li>Both sides are compared after normalizing indentation: each tab in a line's indentation counts as four
 * spaces, trailing whitespace and leading or trailing blank lines are dropped, and the indentation common to all
 * lines is removed. Everything else must be equal, comments included.</li>
 * <li>Every {@code java} block must have a marker (a block that shows flagstore types without one could not be
 * kept in step, and one whose types are gone would go unnoticed), and its marker must name a {@code .java} file in
 * a {@code src/main/java} or {@code src/test/java} folder. Blocks in other languages may have a marker.</li>
 * </ul>
 *
 * <p>Instances are immutable; {@link #check} reads sources through the given {@link Sources} on each call.
 */
final class MarkdownSnippetChecker {

	/** {@code <!-- snippet: path#tag -->} alone on its line; group 1 is the path, group 2 the tag or null. */
	private static final Pattern MARKER = Pattern
		.compile("^\\s*<!--\\s*snippet:\\s*([^#\\s]+)(?:#([A-Za-z0-9_.-]+))?\\s*-->\\s*$");

	/** Any line that starts to mention a snippet marker, to report one that {@link #MARKER} does not read. */
	private static final Pattern MARKER_LIKE = Pattern.compile("^\\s*<!--\\s*snippet\\b");

	/** An opening fence: indentation, three or more backticks or tildes, and the info string. */
	private static final Pattern FENCE = Pattern.compile("^(\\s*)(`{3,}|~{3,})\\s*([^`\\s]*)[^`]*$");

	/** {@code tag::name[]} or {@code end::name[]}; group 1 is tag or end, group 2 the name. */
	private static final Pattern TAG = Pattern.compile("\\b(tag|end)::([A-Za-z0-9_.-]+)\\[\\]");

	private static final Pattern COMPILED_SOURCE = Pattern.compile("(^|.*/)src/(main|test)/java/.+\\.java");

	private final Sources sources;

	/**
	 * Creates a checker.
	 * @param sources where the files that markers name are read
	 */
	MarkdownSnippetChecker(Sources sources) {
		this.sources = sources;
	}

	/**
	 * Checks one document.
	 * @param document the document's name in messages, such as {@code docs/stores.md}
	 * @param lines the document's lines
	 * @return what was checked and what is wrong, in document order
	 */
	Report check(String document, List<String> lines) {
		List<Problem> problems = new ArrayList<>();
		int markedBlocks = 0;
		int index = 0;
		while (index < lines.size()) {
			String line = lines.get(index);
			Matcher marker = MARKER.matcher(line);
			Matcher fence = FENCE.matcher(line);
			if (marker.matches()) {
				Matcher next = (index + 1 < lines.size()) ? FENCE.matcher(lines.get(index + 1)) : null;
				if (next == null || !next.matches()) {
					problems.add(new Problem(document, index + 1,
							"the snippet marker is not directly followed by a fenced code block (```)"));
					index++;
					continue;
				}
				Block block = readBlock(document, lines, index + 1, next, problems);
				markedBlocks++;
				checkMarkedBlock(document, index + 1, marker.group(1), marker.group(2), block, problems);
				index = block.end() + 1;
			}
			else if (MARKER_LIKE.matcher(line).find()) {
				problems.add(new Problem(document, index + 1,
						"unreadable snippet marker; write <!-- snippet: path/to/File.java#tag-name -->"));
				index++;
			}
			else if (fence.matches()) {
				Block block = readBlock(document, lines, index, fence, problems);
				checkUnmarkedBlock(document, block, problems);
				index = block.end() + 1;
			}
			else {
				index++;
			}
		}
		return new Report(markedBlocks, problems);
	}

	/**
	 * The lines of a source region: see the class description.
	 * @param source the source's lines
	 * @param tag the tag name, or {@code null} for the file without package, imports and comments
	 * @return the region's lines as they are in the source
	 * @throws IllegalArgumentException if the tag is missing, or a region of it is not closed
	 */
	static List<String> region(List<String> source, @Nullable String tag) {
		return (tag != null) ? taggedRegion(source, tag) : outline(source);
	}

	/**
	 * Normalizes indentation: tabs in the indentation become four spaces each, trailing whitespace and leading and trailing blank
	 * lines go, and the indentation common to all lines is removed.
	 * @param lines the lines
	 * @return the normalized lines
	 */
	static List<String> normalize(List<String> lines) {
		return normalizeCounting(lines).lines();
	}

	private static Normalized normalizeCounting(List<String> lines) {
		List<String> expanded = new ArrayList<>();
		for (String line : lines) {
			int indent = indentation(line);
			expanded.add((line.substring(0, indent).replace("\t", "    ") + line.substring(indent)).stripTrailing());
		}
		int first = 0;
		while (first < expanded.size() && expanded.get(first).isEmpty()) {
			first++;
		}
		int last = expanded.size();
		while (last > first && expanded.get(last - 1).isEmpty()) {
			last--;
		}
		List<String> kept = expanded.subList(first, last);
		int indent = kept.stream()
			.filter((line) -> !line.isEmpty())
			.mapToInt(MarkdownSnippetChecker::indentation)
			.min()
			.orElse(0);
		List<String> normalized = new ArrayList<>();
		for (String line : kept) {
			normalized.add(line.isEmpty() ? line : line.substring(indent));
		}
		return new Normalized(first, normalized);
	}

	private static int indentation(String line) {
		int spaces = 0;
		while (spaces < line.length() && Character.isWhitespace(line.charAt(spaces))) {
			spaces++;
		}
		return spaces;
	}

	private static List<String> taggedRegion(List<String> source, String tag) {
		List<String> region = new ArrayList<>();
		Set<String> otherTags = new TreeSet<>();
		boolean found = false;
		int openedAt = -1;
		for (int i = 0; i < source.size(); i++) {
			Matcher marker = TAG.matcher(source.get(i));
			boolean markerLine = false;
			while (marker.find()) {
				markerLine = true;
				String name = marker.group(2);
				if (!name.equals(tag)) {
					otherTags.add(name);
				}
				else if (marker.group(1).equals("tag")) {
					if (openedAt >= 0) {
						throw new IllegalArgumentException("tag::" + tag + "[] at line " + (i + 1)
								+ " opens a region while the one opened at line " + (openedAt + 1) + " is still open");
					}
					openedAt = i;
					found = true;
				}
				else {
					if (openedAt < 0) {
						throw new IllegalArgumentException(
								"end::" + tag + "[] at line " + (i + 1) + " closes no open tag::" + tag + "[]");
					}
					openedAt = -1;
				}
			}
			if (openedAt >= 0 && !markerLine) {
				region.add(source.get(i));
			}
		}
		if (!found) {
			throw new IllegalArgumentException("no tag::" + tag + "[] region"
					+ (otherTags.isEmpty() ? " (the file has no tags)" : " (its tags: " + String.join(", ", otherTags) + ")"));
		}
		if (openedAt >= 0) {
			throw new IllegalArgumentException(
					"tag::" + tag + "[] at line " + (openedAt + 1) + " is never closed with end::" + tag + "[]");
		}
		return region;
	}

	private static List<String> outline(List<String> source) {
		List<String> outline = new ArrayList<>();
		boolean inComment = false;
		for (String line : source) {
			String trimmed = line.strip();
			if (inComment) {
				inComment = !trimmed.contains("*/");
				continue;
			}
			if (trimmed.startsWith("/*")) {
				inComment = !trimmed.contains("*/");
				continue;
			}
			if (trimmed.startsWith("//") || trimmed.startsWith("package ") || trimmed.startsWith("import ")) {
				continue;
			}
			boolean blankAfterBlank = trimmed.isEmpty()
					&& (outline.isEmpty() || outline.get(outline.size() - 1).isBlank());
			if (!blankAfterBlank) {
				outline.add(line);
			}
		}
		return outline;
	}

	private static Block readBlock(String document, List<String> lines, int fenceIndex, Matcher fence,
			List<Problem> problems) {
		String fenceChars = fence.group(2);
		Pattern closing = Pattern.compile("^\\s*" + Pattern.quote(fenceChars.substring(0, 1)) + "{"
				+ fenceChars.length() + ",}\\s*$");
		List<String> content = new ArrayList<>();
		for (int i = fenceIndex + 1; i < lines.size(); i++) {
			if (closing.matcher(lines.get(i)).matches()) {
				return new Block(fenceIndex, i, fence.group(3), content);
			}
			content.add(lines.get(i));
		}
		problems.add(new Problem(document, fenceIndex + 1, "the code block is never closed"));
		return new Block(fenceIndex, lines.size() - 1, fence.group(3), content);
	}

	private void checkMarkedBlock(String document, int markerLine, String path, @Nullable String tag, Block block,
			List<Problem> problems) {
		String name = (tag != null) ? path + "#" + tag : path;
		if (block.isJava() && !COMPILED_SOURCE.matcher(path).matches()) {
			problems.add(new Problem(document, markerLine, "the java block's snippet " + name
					+ " is not a .java file in a src/main/java or src/test/java folder, so nothing compiles it"));
			return;
		}
		Optional<List<String>> source = this.sources.read(path);
		if (source.isEmpty()) {
			problems.add(new Problem(document, markerLine, "the snippet marker names " + path + ", which does not exist"));
			return;
		}
		List<String> expected;
		try {
			expected = normalize(region(source.get(), tag));
		}
		catch (IllegalArgumentException ex) {
			problems.add(new Problem(document, markerLine, path + ": " + ex.getMessage()));
			return;
		}
		if (expected.isEmpty()) {
			problems.add(new Problem(document, markerLine, "the region " + name + " is empty"));
			return;
		}
		Normalized actual = normalizeCounting(block.content());
		if (actual.lines().equals(expected)) {
			return;
		}
		int differs = 0;
		while (differs < expected.size() && differs < actual.lines().size()
				&& expected.get(differs).equals(actual.lines().get(differs))) {
			differs++;
		}
		int differingLine = block.fence() + 2 + actual.leadingBlankLines() + differs;
		StringBuilder message = new StringBuilder();
		message.append("the code block differs from ")
			.append(name)
			.append(", first at line ")
			.append(differingLine)
			.append(" of ")
			.append(document)
			.append('\n');
		message.append("  expected: ").append(lineOrEnd(expected, differs)).append('\n');
		message.append("  actual:   ").append(lineOrEnd(actual.lines(), differs)).append('\n');
		message.append("  the region (indentation normalized), to copy into the block:\n");
		for (String line : expected) {
			message.append("    ").append(line).append('\n');
		}
		problems.add(new Problem(document, block.fence() + 1, message.toString().stripTrailing()));
	}

	private static void checkUnmarkedBlock(String document, Block block, List<Problem> problems) {
		if (block.isJava()) {
			problems.add(new Problem(document, block.fence() + 1, "this java block is not taken from compiled code: "
					+ "tag the code in a source (// tag::tag-name[] ... // end::tag-name[]) and put "
					+ "<!-- snippet: path/to/File.java#tag-name --> on the line before the block"));
		}
	}

	private static String lineOrEnd(List<String> lines, int index) {
		return (index < lines.size()) ? "\"" + lines.get(index) + "\"" : "(end of block)";
	}

	/** Reads a file that a marker names. */
	@FunctionalInterface
	interface Sources {

		/**
		 * Reads a file.
		 * @param path the path relative to the repository root, as the marker wrote it
		 * @return the file's lines, or empty if there is no such file
		 */
		Optional<List<String>> read(String path);

	}

	/**
	 * What is wrong, and where.
	 * @param document the document
	 * @param line the line in the document, from 1
	 * @param message what is wrong, and how to fix it
	 */
	record Problem(String document, int line, String message) {

		@Override
		public String toString() {
			return this.document + ":" + this.line + ": " + this.message;
		}

	}

	/**
	 * The result of checking one document.
	 * @param markedBlocks how many code blocks had a snippet marker
	 * @param problems what is wrong, in document order
	 */
	record Report(int markedBlocks, List<Problem> problems) {

	}

	/**
	 * A fenced code block.
	 * @param fence index of the opening fence line
	 * @param end index of the closing fence line
	 * @param info the info string's first word ({@code java}, or empty)
	 * @param content the lines between the fences
	 */
	private record Block(int fence, int end, String info, List<String> content) {

		boolean isJava() {
			return this.info.equalsIgnoreCase("java");
		}

	}

	private record Normalized(int leadingBlankLines, List<String> lines) {

	}

}
