package dev.flagstore.status;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Immutable snapshot of a data store's health: whether it is available and whether its data may be stale.
 *
 * <p>{@link #equals} compares all four fields. Listeners are only told about a change of {@link #isAvailable()}
 * or {@link #isRefreshNeeded()} ({@link #isSameStateAs}); a new {@link #getSince()} or
 * {@link #getLastError()} alone is not published.
 */
public final class DataStoreStatus {

	private final boolean available;

	private final boolean refreshNeeded;

	private final Instant since;

	private final @Nullable String lastError;

	/**
	 * Creates a status.
	 * @param available whether the store is believed to work
	 * @param refreshNeeded whether the store may hold out-of-date data and should be re-synced; must be
	 * {@code false} when {@code available} is {@code false}
	 * @param since when this state began; never {@code null}
	 * @param lastError sanitized description of the failure that last made the store unavailable, or {@code null}
	 * if it never was
	 * @throws IllegalArgumentException if an unavailable status claims {@code refreshNeeded}
	 */
	public DataStoreStatus(boolean available, boolean refreshNeeded, Instant since, @Nullable String lastError) {
		Objects.requireNonNull(since, "since");
		if (!available && refreshNeeded) {
			throw new IllegalArgumentException("An unavailable status cannot need a refresh (refreshNeeded must be false)");
		}
		this.available = available;
		this.refreshNeeded = refreshNeeded;
		this.since = since;
		this.lastError = lastError;
	}

	/**
	 * The status of a store that works and is up to date, since the given instant.
	 * @param since when this state began
	 * @return an available status with no error
	 */
	public static DataStoreStatus available(Instant since) {
		return new DataStoreStatus(true, false, since, null);
	}

	/**
	 * Whether the store is believed to work. Normally {@code true}; {@code false} from the first failed store
	 * operation until the store answers again.
	 * @return whether the store is available
	 */
	public boolean isAvailable() {
		return this.available;
	}

	/**
	 * Whether the store may be out of date after an outage, so that its data source should re-sync all data.
	 * Cleared by the next successful {@code init}. Always {@code false} while unavailable.
	 * @return whether a refresh is needed
	 */
	public boolean isRefreshNeeded() {
		return this.refreshNeeded;
	}

	/**
	 * When the current state (available / refresh needed) began.
	 * @return the instant of the last change, never {@code null}
	 */
	public Instant getSince() {
		return this.since;
	}

	/**
	 * Sanitized description of the failure that last made the store unavailable: exception type and message,
	 * with credentials removed. {@code null} until the first outage; kept after recovery.
	 * @return the last error, or {@code null}
	 */
	public @Nullable String getLastError() {
		return this.lastError;
	}

	/**
	 * Whether this status and {@code other} have the same {@code available} and {@code refreshNeeded} flags:
	 * the test used to decide whether a change is published.
	 * @param other the status to compare with
	 * @return whether both describe the same state
	 */
	public boolean isSameStateAs(DataStoreStatus other) {
		return this.available == other.available && this.refreshNeeded == other.refreshNeeded;
	}

	@Override
	public boolean equals(@Nullable Object obj) {
		if (this == obj) {
			return true;
		}
		if (!(obj instanceof DataStoreStatus other)) {
			return false;
		}
		return this.available == other.available && this.refreshNeeded == other.refreshNeeded
				&& this.since.equals(other.since) && Objects.equals(this.lastError, other.lastError);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.available, this.refreshNeeded, this.since, this.lastError);
	}

	@Override
	public String toString() {
		return "DataStoreStatus{available=" + this.available + ", refreshNeeded=" + this.refreshNeeded + ", since="
				+ this.since + ", lastError=" + this.lastError + "}";
	}

}
