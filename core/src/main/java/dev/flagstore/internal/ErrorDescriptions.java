package dev.flagstore.internal;

import java.util.regex.Pattern;

import dev.flagstore.store.DataStoreException;
import org.jspecify.annotations.Nullable;

/**
 * Turns a failure into the one-line, credential-free text shown as {@code lastError} in status, health and logs.
 * Statement texts quoted before the database's own message ({@code SQL [...]; }) are left out. Used by the store
 * status and the flag source status alike. Internal to flagstore; not an API.
 */
public final class ErrorDescriptions {

	/** {@code scheme://user:secret@host} → {@code scheme://****@host}. */
	private static final Pattern URL_USER_INFO = Pattern.compile("(?i)([a-z][a-z0-9+.\\-]*://)[^/@\\s]+@");

	/**
	 * {@code password=secret}, {@code pwd: secret}, {@code token=...}, quoted ({@code password='secret'},
	 * {@code "password": "secret"}) → value masked.
	 */
	private static final Pattern SECRET_PARAMETER = Pattern
		.compile("(?i)((?:password|passwd|pwd|secret|token|credentials?)[\"']?\\s*[=:]\\s*[\"']?)[^\\s&;,'\"]+");

	/**
	 * A statement quoted in a message ({@code ...Callback; SQL [INSERT ...]; FATAL: ...}, as Spring JDBC words it):
	 * hundreds of characters in health and logs that say nothing about the failure, which follows it.
	 */
	private static final Pattern QUOTED_STATEMENT = Pattern.compile("SQL \\[[^\\]]*\\]; ");

	/** How many exceptions of a cause chain the text may name. */
	private static final int MAX_DEPTH = 5;

	/** How many causes with a message of their own may follow the first one. */
	private static final int MAX_EXTRA_CAUSES = 1;

	private ErrorDescriptions() {
	}

	/**
	 * Describes a failure as {@code SimpleName: message}, following causes past wrapper exceptions (flagstore's own,
	 * and those without a message), then adding up to {@value #MAX_EXTRA_CAUSES} causes whose message says
	 * something the text does not already say (a pool's reason behind "Failed to obtain JDBC Connection"), with
	 * credentials removed.
	 */
	public static String describe(Throwable error) {
		try {
			return describeChain(error);
		}
		catch (RuntimeException | LinkageError ex) {
			// An exception whose getMessage() or getCause() throws: say what can be said without it.
			return error.getClass().getSimpleName();
		}
	}

	private static String describeChain(Throwable error) {
		StringBuilder text = new StringBuilder();
		int extra = 0;
		Throwable current = error;
		for (int depth = 0; current != null && depth < MAX_DEPTH; depth++, current = causeOf(current)) {
			String message = current.getMessage();
			boolean wrapper = current instanceof DataStoreException || message == null;
			if (wrapper && extra > 0) {
				// Past the first real message, a cause without one adds nothing.
				continue;
			}
			if (depth > 0) {
				if (!wrapper && text.indexOf(message) >= 0) {
					break;
				}
				text.append(" <- ");
			}
			text.append(current instanceof DataStoreException ? "" : current.getClass().getSimpleName() + ": ");
			text.append(message);
			if (!wrapper && ++extra > MAX_EXTRA_CAUSES) {
				break;
			}
		}
		return sanitize(QUOTED_STATEMENT.matcher(text).replaceAll(""));
	}

	private static @Nullable Throwable causeOf(Throwable error) {
		return (error.getCause() != error) ? error.getCause() : null;
	}

	/**
	 * Masks credentials in a text: user info in URLs, and values of password, secret and token parameters.
	 * @param text the text, or {@code null}
	 * @return the text without credentials; empty for {@code null}
	 */
	public static String sanitize(@Nullable String text) {
		if (text == null) {
			return "";
		}
		String withoutUserInfo = URL_USER_INFO.matcher(text).replaceAll("$1****@");
		return SECRET_PARAMETER.matcher(withoutUserInfo).replaceAll("$1****");
	}

}
