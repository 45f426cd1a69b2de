package dev.flagstore.store;

/**
 * Recovery without a cache that holds the truth (TTL, NONE, and FOREVER before any {@code init}): data written
 * during the outage may be lost, so the store is reported available with {@code refreshNeeded=true}, and the data
 * source should send everything again ({@code init}, which clears it).
 */
final class RefreshNeededRecovery implements RecoveryPolicy {

	private final StatusMachine status;

	RefreshNeededRecovery(StatusMachine status) {
		this.status = status;
	}

	@Override
	public void storeAnswers(long pollStartNanos) {
		this.status.recordRecovery(pollStartNanos, true);
	}

	@Override
	public void dataLost(long checkStartNanos) {
		this.status.recordDataLost(checkStartNanos);
	}

}
