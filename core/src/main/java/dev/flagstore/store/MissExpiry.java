package dev.flagstore.store;

import java.util.Optional;

import com.github.benmanes.caffeine.cache.Expiry;

/**
 * Items never expire; a miss (an absent item) lives for the TTL, since another instance may write the key. For the
 * FOREVER item cache, and for the refresh policies, which reload items instead of dropping them.
 */
final class MissExpiry implements Expiry<Object, Object> {

	private final long missNanos;

	MissExpiry(long missNanos) {
		this.missNanos = missNanos;
	}

	@Override
	public long expireAfterCreate(Object key, Object value, long currentTime) {
		boolean miss = value instanceof Stamped<?> stamped && stamped.value instanceof Optional<?> optional
				&& optional.isEmpty();
		return miss ? this.missNanos : Long.MAX_VALUE;
	}

	@Override
	public long expireAfterUpdate(Object key, Object value, long currentTime, long currentDuration) {
		return expireAfterCreate(key, value, currentTime);
	}

	@Override
	public long expireAfterRead(Object key, Object value, long currentTime, long currentDuration) {
		return currentDuration;
	}

}
