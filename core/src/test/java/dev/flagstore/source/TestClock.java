package dev.flagstore.source;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves; with {@code ticking}, every reading is one millisecond after the previous one. */
final class TestClock extends Clock {

	private final AtomicLong millis = new AtomicLong(Instant.parse("2030-01-01T00:00:00Z").toEpochMilli());

	private final boolean ticking;

	TestClock(boolean ticking) {
		this.ticking = ticking;
	}

	void advance(Duration duration) {
		this.millis.addAndGet(duration.toMillis());
	}

	@Override
	public Instant instant() {
		return Instant.ofEpochMilli(this.ticking ? this.millis.incrementAndGet() : this.millis.get());
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException();
	}

}
