/**
 * Test support for store authors: a contract suite every {@link dev.flagstore.store.PersistentDataStore} must pass,
 * a reference in-memory store, a fault-injecting decorator, a TCP fault proxy and a throwaway {@code redis-server}
 * for outage tests, and the skip-or-fail rule for tests whose server is missing.
 */
@NullMarked
package dev.flagstore.test;

import org.jspecify.annotations.NullMarked;
