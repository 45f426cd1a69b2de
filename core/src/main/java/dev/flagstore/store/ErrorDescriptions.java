package dev.flagstore.store;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Turns a failure into the one-line, credential-free text shown as {@code lastError} in status, health and logs.
 * Statement texts quoted before the database's own message ({@code SQL [...]; }) are left out.
 */
final class ErrorDescriptions {

	/** {@code scheme://user:secret@host} → {@code scheme://****@host}. */
	private static final Pattern URL_USER_INFO = Pattern.compile("(?i)([a-z][a-z0-9+.\\-]*://)[^/@\\s]+@");

	/** {@code password=secret}, {@code pwd: secret}, {@code token=...} → value masked. */
	private static final Pattern SECRET_PARAMETER = Pattern
		.compile("(?i)((?:password|passwd|pwd|secret|token|credentials?)\\s*[=:]\\s*)[^\\s&;,'\"]+");

	/**
	 * A statement quoted in a message ({@code ...Callback; SQL [INSERT ...]; FATAL: ...}, as Spring JDBC words it):
	 * hundreds of characters in health and logs that say nothing about the failure, which follows it.
	 */
	private static final Pattern QUOTED_STATEMENT = Pattern.compile("SQL \\[[^\\]]*\\]; ");

	private ErrorDescriptions() {
	}

	/**
	 * Describes a failure as {@code SimpleName: message}, following causes for the message of a wrapper exception,
	 * with credentials removed.
	 */
	static String describe(Throwable error) {
		StringBuilder text = new StringBuilder();
		Throwable current = error;
		int depth = 0;
		while (current != null && depth < 4) {
			if (depth > 0) {
				text.append(" <- ");
			}
			text.append(current instanceof DataStoreException ? "" : current.getClass().getSimpleName() + ": ");
			text.append(current.getMessage());
			if (current instanceof DataStoreException || current.getMessage() == null) {
				current = (current.getCause() != current) ? current.getCause() : null;
				depth++;
			}
			else {
				break;
			}
		}
		return sanitize(QUOTED_STATEMENT.matcher(text).replaceAll(""));
	}

	static String sanitize(@Nullable String text) {
		if (text == null) {
			return "";
		}
		String withoutUserInfo = URL_USER_INFO.matcher(text).replaceAll("$1****@");
		return SECRET_PARAMETER.matcher(withoutUserInfo).replaceAll("$1****");
	}

}
