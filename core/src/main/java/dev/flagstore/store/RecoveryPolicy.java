package dev.flagstore.store;

/**
 * What the wrapper does when an unavailable store answers again, and when the heartbeat finds that the store lost
 * the data this instance wrote: one implementation per behaviour instead of cache-mode branches.
 * {@link RefreshNeededRecovery} reports {@code refreshNeeded} (TTL, NONE); {@link WriteBackRecovery} writes the
 * cache back (FOREVER). Called on the poller's or the heartbeat's thread, one call at a time.
 */
interface RecoveryPolicy {

	/**
	 * The probe of a poll that started at {@code pollStartNanos} succeeded: report recovery (through
	 * {@link StatusMachine#recordRecovery}) or stay unavailable, and the poller tries again.
	 */
	void storeAnswers(long pollStartNanos);

	/**
	 * A check that started at {@code checkStartNanos} found the store answering but no longer initialized, though
	 * this instance had written a full data set.
	 */
	void dataLost(long checkStartNanos);

}
