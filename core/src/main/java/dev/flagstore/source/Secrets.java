package dev.flagstore.source;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * What the {@link HttpFlagSource} must never show: the values of secret-looking headers, and the user-info and
 * query of its URL. Gives the URL as it may be shown, and scrubs any text (an exception's message) that will be
 * logged or put into a status.
 */
final class Secrets {

	static final String REDACTED = "<redacted>";

	/** Parts of a header name that make its value a secret (matched case-insensitively). */
	private static final List<String> SECRET_NAME_PARTS = List.of("authorization", "auth", "token", "key", "cookie",
			"secret", "password", "passwd", "credential", "session", "signature");

	/** Longest first, so that a secret containing another is replaced whole. */
	private final List<String> values;

	private final String safeUrl;

	private final String rawUrl;

	private Secrets(List<String> values, String safeUrl, String rawUrl) {
		this.values = values;
		this.safeUrl = safeUrl;
		this.rawUrl = rawUrl;
	}

	/**
	 * The secrets of a source.
	 * @param url its URL
	 * @param headers its headers, as {@code name, value} pairs
	 * @return the secrets
	 */
	static Secrets of(URI url, Collection<String[]> headers) {
		List<String> values = new ArrayList<>();
		for (String[] header : headers) {
			if (isSecretHeader(header[0])) {
				addValue(values, header[1]);
				// "Bearer abc", "Basic abc": the credentials alone, in case a message quotes only them.
				String[] parts = header[1].trim().split("\\s+", 2);
				if (parts.length == 2) {
					addValue(values, parts[1]);
				}
			}
		}
		addValue(values, url.getRawQuery());
		addValue(values, url.getQuery());
		addValue(values, url.getRawUserInfo());
		addValue(values, url.getUserInfo());
		addValue(values, url.getRawFragment());
		values.sort(Comparator.comparingInt(String::length).reversed());
		return new Secrets(List.copyOf(values), safeUrl(url), url.toString());
	}

	private static void addValue(List<String> values, @Nullable String value) {
		if (value != null && !value.isBlank() && !values.contains(value)) {
			values.add(value);
		}
	}

	/**
	 * Whether a header's value is a secret: its name is or contains {@code authorization}, {@code auth},
	 * {@code token}, {@code key}, {@code cookie}, {@code secret}, {@code password}, {@code credential},
	 * {@code session} or {@code signature}, in any case.
	 * @param name the header's name
	 * @return whether its value must not be shown
	 */
	static boolean isSecretHeader(String name) {
		String lower = name.toLowerCase(Locale.ROOT);
		return SECRET_NAME_PARTS.stream().anyMatch(lower::contains);
	}

	/**
	 * A URL as it may be shown: scheme, host, port and path, without user-info, query or fragment.
	 * @param url the URL
	 * @return its showable form
	 */
	static String safeUrl(URI url) {
		StringBuilder text = new StringBuilder();
		if (url.getScheme() != null) {
			text.append(url.getScheme()).append("://");
		}
		if (url.getHost() != null) {
			text.append(url.getHost());
		}
		if (url.getPort() >= 0) {
			text.append(':').append(url.getPort());
		}
		if (url.getRawPath() != null) {
			text.append(url.getRawPath());
		}
		if (url.getRawQuery() != null) {
			text.append("?<query hidden>");
		}
		return text.toString();
	}

	/** The URL as it may be shown. */
	String url() {
		return this.safeUrl;
	}

	/**
	 * Removes every secret from a text.
	 * @param text the text, or {@code null}
	 * @return the text with the URL in its showable form and each secret replaced, or {@code null}
	 */
	@Nullable String scrub(@Nullable String text) {
		if (text == null) {
			return null;
		}
		String result = text.replace(this.rawUrl, this.safeUrl);
		for (String value : this.values) {
			result = result.replace(value, REDACTED);
		}
		return result;
	}

}
