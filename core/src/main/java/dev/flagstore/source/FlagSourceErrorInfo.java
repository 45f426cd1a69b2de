package dev.flagstore.source;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A failure of a {@link FlagSource}.
 *
 * @param kind what failed
 * @param statusCode the HTTP status code for {@link FlagSourceErrorKind#ERROR_RESPONSE}, else {@code 0}
 * @param message a description without secrets, or {@code null}
 * @param time when it happened
 */
public record FlagSourceErrorInfo(FlagSourceErrorKind kind, int statusCode, @Nullable String message, Instant time) {

	/**
	 * Validates the fields.
	 * @throws NullPointerException if {@code kind} or {@code time} is {@code null}
	 * @throws IllegalArgumentException if {@code statusCode} is negative
	 */
	public FlagSourceErrorInfo {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(time, "time");
		if (statusCode < 0) {
			throw new IllegalArgumentException("statusCode must not be negative: " + statusCode);
		}
	}

	/**
	 * An error of the given kind, with no status code.
	 * @param kind what failed
	 * @param message a description without secrets, or {@code null}
	 * @param time when it happened
	 * @return the error
	 */
	public static FlagSourceErrorInfo of(FlagSourceErrorKind kind, @Nullable String message, Instant time) {
		return new FlagSourceErrorInfo(kind, 0, message, time);
	}

}
