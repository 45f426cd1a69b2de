package dev.flagstore.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * How property values that may hold secrets are shown in {@code toString()} and start-up failure reports: a URL
 * without its user-info and with its query hidden, a header's value never.
 */
final class SafeValues {

	private SafeValues() {
	}

	/**
	 * A URL as it may be shown: scheme, host, port and path; {@code ?<query hidden>} for a query. A value that is not
	 * a URL but could hold credentials ({@code @} or {@code ?} in it) is not shown at all.
	 * @param url the configured value
	 * @return what may be shown
	 */
	static String url(@Nullable String url) {
		if (url == null) {
			return "null";
		}
		try {
			URI uri = new URI(url);
			if (uri.getScheme() != null && uri.getRawAuthority() != null) {
				String port = (uri.getPort() >= 0) ? ":" + uri.getPort() : "";
				String host = (uri.getHost() != null) ? uri.getHost() : "<host>";
				String path = (uri.getRawPath() != null) ? uri.getRawPath() : "";
				return uri.getScheme() + "://" + host + port + path + ((uri.getRawQuery() != null) ? "?<query hidden>" : "");
			}
		}
		catch (URISyntaxException ex) {
			// Shown below, if it cannot hold credentials.
		}
		return (url.contains("@") || url.contains("?")) ? "<not shown: it may hold credentials>" : url;
	}

	/**
	 * A property's value as a start-up failure report may show it.
	 * @param name the property's name
	 * @param value its value
	 * @return the value, or what may be shown of it
	 */
	static @Nullable Object forReport(String name, @Nullable Object value) {
		String lower = name.toLowerCase(Locale.ROOT);
		if (lower.startsWith("flagstore.source.http.headers")) {
			return "<not shown: header values are secrets>";
		}
		if (lower.equals("flagstore.source.http.url") && value != null) {
			return url(value.toString());
		}
		return value;
	}

}
