/**
 * A {@link dev.flagstore.store.PersistentDataStore} on Redis, through Spring Data Redis.
 */
@NullMarked
package dev.flagstore.spring.redis;

import org.jspecify.annotations.NullMarked;
