package dev.flagstore.source;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The back-off and {@code Retry-After} rules of the HTTP source, as pure functions. */
class HttpFlagSourceBackoffTests {

	private static final Duration SECOND = Duration.ofSeconds(1);

	private static final Duration CAP = Duration.ofSeconds(30);

	@Test
	void ceilingShouldDoubleWithEachFailureUpToTheCap() {
		assertThat(RetryDelay.backoff(1, SECOND, CAP, 1.0)).isEqualTo(Duration.ofSeconds(1));
		assertThat(RetryDelay.backoff(2, SECOND, CAP, 1.0)).isEqualTo(Duration.ofSeconds(2));
		assertThat(RetryDelay.backoff(3, SECOND, CAP, 1.0)).isEqualTo(Duration.ofSeconds(4));
		assertThat(RetryDelay.backoff(5, SECOND, CAP, 1.0)).isEqualTo(Duration.ofSeconds(16));
		assertThat(RetryDelay.backoff(6, SECOND, CAP, 1.0)).isEqualTo(CAP);
		assertThat(RetryDelay.backoff(7, SECOND, CAP, 1.0)).isEqualTo(CAP);
	}

	@Test
	void jitterShouldDrawFromTheUpperHalfOfTheCeiling() {
		assertThat(RetryDelay.backoff(3, SECOND, CAP, 0.0)).isEqualTo(Duration.ofSeconds(2));
		assertThat(RetryDelay.backoff(3, SECOND, CAP, 0.5)).isEqualTo(Duration.ofSeconds(3));
		assertThat(RetryDelay.backoff(3, SECOND, CAP, 1.0)).isEqualTo(Duration.ofSeconds(4));
		assertThat(RetryDelay.backoff(100, SECOND, CAP, 0.0)).isEqualTo(Duration.ofSeconds(15));
	}

	@Test
	void outOfRangeRandomShouldBeClamped() {
		assertThat(RetryDelay.backoff(1, SECOND, CAP, -3)).isEqualTo(Duration.ofMillis(500));
		assertThat(RetryDelay.backoff(1, SECOND, CAP, 7)).isEqualTo(SECOND);
	}

	@Test
	void manyFailuresShouldNotOverflow() {
		assertThat(RetryDelay.backoff(Integer.MAX_VALUE, SECOND, CAP, 1.0)).isEqualTo(CAP);
		Duration huge = Duration.ofDays(365 * 200);
		assertThat(RetryDelay.backoff(Integer.MAX_VALUE, Duration.ofDays(365 * 100), huge, 1.0)).isEqualTo(huge);
	}

	@Test
	void anInitialDelayAboveTheCapShouldBeCapped() {
		assertThat(RetryDelay.backoff(1, Duration.ofMinutes(5), CAP, 1.0)).isEqualTo(CAP);
	}

	@Test
	void zeroFailuresShouldBeRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> RetryDelay.backoff(0, SECOND, CAP, 1.0))
			.withMessageContaining("0");
	}

	@Test
	void retryAfterLongerThanTheBackoffShouldWin() {
		assertThat(RetryDelay.next(1, SECOND, CAP, 1.0, Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void retryAfterShorterThanTheBackoffShouldNotShortenIt() {
		assertThat(RetryDelay.next(4, SECOND, CAP, 1.0, Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(8));
		assertThat(RetryDelay.next(4, SECOND, CAP, 1.0, Duration.ZERO)).isEqualTo(Duration.ofSeconds(8));
	}

	@Test
	void retryAfterShouldBeBoundedByFiveMinutesOrTheCap() {
		assertThat(RetryDelay.next(1, SECOND, CAP, 1.0, Duration.ofHours(3))).isEqualTo(Duration.ofMinutes(5));
		Duration longCap = Duration.ofMinutes(20);
		assertThat(RetryDelay.next(1, SECOND, longCap, 1.0, Duration.ofHours(3))).isEqualTo(longCap);
	}

	@Test
	void noRetryAfterShouldLeaveTheBackoff() {
		assertThat(RetryDelay.next(2, SECOND, CAP, 1.0, null)).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void retryAfterShouldBeReadAsSecondsOrAsAnHttpDate() {
		Instant now = Instant.parse("2026-03-01T10:00:00Z");
		assertThat(RetryDelay.parseRetryAfter("120", now)).isEqualTo(Duration.ofSeconds(120));
		assertThat(RetryDelay.parseRetryAfter(" 3 ", now)).isEqualTo(Duration.ofSeconds(3));
		assertThat(RetryDelay.parseRetryAfter("Sun, 01 Mar 2026 10:01:30 GMT", now)).isEqualTo(Duration.ofSeconds(90));
		assertThat(RetryDelay.parseRetryAfter("Sun, 01 Mar 2026 09:00:00 GMT", now)).isEqualTo(Duration.ZERO);
	}

	@Test
	void unreadableRetryAfterShouldBeIgnored() {
		Instant now = Instant.EPOCH;
		assertThat(RetryDelay.parseRetryAfter(null, now)).isNull();
		assertThat(RetryDelay.parseRetryAfter("", now)).isNull();
		assertThat(RetryDelay.parseRetryAfter("soon", now)).isNull();
		assertThat(RetryDelay.parseRetryAfter("-5", now)).isNull();
		assertThat(RetryDelay.parseRetryAfter("1.5", now)).isNull();
	}

	@Test
	void aHugeRetryAfterShouldNotOverflow() {
		Duration parsed = RetryDelay.parseRetryAfter("99999999999999999999999", Instant.EPOCH);
		assertThat(parsed).isNotNull();
		assertThat(RetryDelay.next(1, SECOND, CAP, 1.0, parsed)).isEqualTo(Duration.ofMinutes(5));
	}

}
