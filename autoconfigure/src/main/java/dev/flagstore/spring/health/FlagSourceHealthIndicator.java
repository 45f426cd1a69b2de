package dev.flagstore.spring.health;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.flagstore.source.FlagSourceErrorInfo;
import dev.flagstore.source.FlagSourceStatus;
import dev.flagstore.source.FlagSourceStatusProvider;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.util.Assert;

/**
 * {@link HealthIndicator} for the flag source that feeds the store: {@code UP} while it is {@code VALID},
 * {@code DOWN} while it is {@code INTERRUPTED} or {@code OFF}, {@code UNKNOWN} while it is still
 * {@code INITIALIZING}.
 *
 * <p>It reports the last known status and does no I/O. Details: {@code state}, {@code since} (ISO-8601) and, once
 * the source has reported one, {@code lastError} ({@code kind}, {@code statusCode} for HTTP errors, {@code message},
 * {@code time}); messages are sanitized by the source and never hold header values. Thread-safe.
 */
public class FlagSourceHealthIndicator implements HealthIndicator {

	private final FlagSourceStatusProvider statusProvider;

	/**
	 * Creates an indicator for the given status.
	 * @param statusProvider the status to report; not {@code null}
	 */
	public FlagSourceHealthIndicator(FlagSourceStatusProvider statusProvider) {
		Assert.notNull(statusProvider, "'statusProvider' must not be null");
		this.statusProvider = statusProvider;
	}

	@Override
	public Health health() {
		FlagSourceStatus status = this.statusProvider.getStatus();
		Health.Builder builder = switch (status.getState()) {
			case VALID -> Health.up();
			case INITIALIZING -> Health.unknown();
			case INTERRUPTED, OFF -> Health.down();
		};
		builder.withDetail("state", status.getState().name())
			.withDetail("since", status.getStateSince().toString());
		FlagSourceErrorInfo error = status.getLastError();
		if (error != null) {
			Map<String, Object> lastError = new LinkedHashMap<>();
			lastError.put("kind", error.kind().name());
			if (error.statusCode() != 0) {
				lastError.put("statusCode", error.statusCode());
			}
			if (error.message() != null) {
				lastError.put("message", error.message());
			}
			lastError.put("time", error.time().toString());
			builder.withDetail("lastError", lastError);
		}
		return builder.build();
	}

}
