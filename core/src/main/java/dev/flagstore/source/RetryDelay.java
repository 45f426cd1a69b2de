package dev.flagstore.source;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import org.jspecify.annotations.Nullable;

/**
 * How long the {@link HttpFlagSource} waits before its next attempt after a failure: exponential back-off with
 * "equal jitter", and the server's {@code Retry-After}, bounded. Pure functions of their arguments.
 */
final class RetryDelay {

	/** The longest {@code Retry-After} honoured when the back-off cap is shorter. */
	static final Duration RETRY_AFTER_CAP = Duration.ofMinutes(5);

	private RetryDelay() {
	}

	/**
	 * The back-off after {@code failures} failed attempts in a row: the ceiling {@code initial * 2^(failures-1)},
	 * at most {@code max}, of which the upper half is drawn at random ({@code [ceiling/2, ceiling]}), so that many
	 * instances that failed together do not retry together, and no retry comes sooner than half the ceiling.
	 * @param failures failed attempts in a row, at least 1
	 * @param initial the ceiling after the first failure
	 * @param max the largest ceiling
	 * @param random a number in {@code [0, 1]}
	 * @return the delay, never negative
	 */
	static Duration backoff(int failures, Duration initial, Duration max, double random) {
		if (failures < 1) {
			throw new IllegalArgumentException("failures must be at least 1: " + failures);
		}
		long maxNanos = max.toNanos();
		long ceiling = initial.toNanos();
		// Doubling stops at the cap, so no shift can overflow.
		for (int i = 1; i < failures && ceiling < maxNanos; i++) {
			ceiling = (ceiling > Long.MAX_VALUE / 2) ? Long.MAX_VALUE : ceiling * 2;
		}
		ceiling = Math.min(ceiling, maxNanos);
		double jitter = Math.max(0.0, Math.min(1.0, random));
		long half = ceiling / 2;
		return Duration.ofNanos(half + (long) (jitter * (ceiling - half)));
	}

	/**
	 * The delay before the next attempt: the back-off, or the server's {@code Retry-After} when that is longer,
	 * the latter bounded by {@code max(max, RETRY_AFTER_CAP)} so that a wrong header cannot stop the source for
	 * hours.
	 * @param failures failed attempts in a row, at least 1
	 * @param initial the back-off ceiling after the first failure
	 * @param max the largest back-off ceiling
	 * @param random a number in {@code [0, 1]}
	 * @param retryAfter what the server asked for, or {@code null}
	 * @return the delay
	 */
	static Duration next(int failures, Duration initial, Duration max, double random, @Nullable Duration retryAfter) {
		Duration backoff = backoff(failures, initial, max, random);
		if (retryAfter == null) {
			return backoff;
		}
		Duration cap = (max.compareTo(RETRY_AFTER_CAP) > 0) ? max : RETRY_AFTER_CAP;
		Duration asked = (retryAfter.compareTo(cap) > 0) ? cap : retryAfter;
		return (asked.compareTo(backoff) > 0) ? asked : backoff;
	}

	/**
	 * Reads a {@code Retry-After} value: delay-seconds or an HTTP date (RFC 9110, section 10.2.3).
	 * @param value the header's value, or {@code null}
	 * @param now the current time, for a date
	 * @return the delay it asks for (zero for a date in the past), or {@code null} if absent or unreadable
	 */
	static @Nullable Duration parseRetryAfter(@Nullable String value, Instant now) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String text = value.trim();
		if (text.chars().allMatch(c -> c >= '0' && c <= '9')) {
			// More than 18 digits does not fit a long; any such value is "very long" and ends up capped.
			return (text.length() > 18) ? Duration.ofSeconds(Long.MAX_VALUE / 1_000_000_000L)
					: Duration.ofSeconds(Long.parseLong(text));
		}
		try {
			Instant when = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
			Duration delay = Duration.between(now, when);
			return delay.isNegative() ? Duration.ZERO : delay;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

}
