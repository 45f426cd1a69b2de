/**
 * Test support for store authors: a contract suite every {@link dev.flagstore.store.PersistentDataStore} must pass,
 * a reference in-memory store, a fault-injecting decorator and a TCP fault proxy for outage tests.
 */
@NullMarked
package dev.flagstore.test;

import org.jspecify.annotations.NullMarked;
