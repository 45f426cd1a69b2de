package dev.flagstore.source;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Immutable snapshot of a flag source's health: its state, since when, and its last error.
 *
 * <p>The last error is kept after the source recovers (as in the LaunchDarkly SDKs), so that a {@code VALID}
 * status can still say what last went wrong.
 */
public final class FlagSourceStatus {

	private final FlagSourceState state;

	private final Instant stateSince;

	private final @Nullable FlagSourceErrorInfo lastError;

	/**
	 * Creates a status.
	 * @param state the state
	 * @param stateSince when the source entered {@code state}
	 * @param lastError the last error, or {@code null} if there was none
	 */
	public FlagSourceStatus(FlagSourceState state, Instant stateSince, @Nullable FlagSourceErrorInfo lastError) {
		this.state = Objects.requireNonNull(state, "state");
		this.stateSince = Objects.requireNonNull(stateSince, "stateSince");
		this.lastError = lastError;
	}

	/**
	 * The state.
	 * @return the state, never {@code null}
	 */
	public FlagSourceState getState() {
		return this.state;
	}

	/**
	 * When the source entered its current state. An {@code INTERRUPTED} reported while {@code INTERRUPTED}
	 * keeps this time.
	 * @return when the state began
	 */
	public Instant getStateSince() {
		return this.stateSince;
	}

	/**
	 * The last error the source reported, or {@code null} if none yet; kept after recovery.
	 * @return the last error, or {@code null}
	 */
	public @Nullable FlagSourceErrorInfo getLastError() {
		return this.lastError;
	}

	@Override
	public boolean equals(@Nullable Object obj) {
		if (this == obj) {
			return true;
		}
		return obj instanceof FlagSourceStatus other && this.state == other.state
				&& this.stateSince.equals(other.stateSince) && Objects.equals(this.lastError, other.lastError);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.state, this.stateSince, this.lastError);
	}

	@Override
	public String toString() {
		return "FlagSourceStatus{state=" + this.state + ", stateSince=" + this.stateSince + ", lastError="
				+ this.lastError + "}";
	}

}
