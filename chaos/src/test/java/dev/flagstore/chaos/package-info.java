/**
 * Chaos and load scenarios against real Redis and PostgreSQL servers, with the invariants they check and the
 * report they write.
 */
@NullMarked
package dev.flagstore.chaos;

import org.jspecify.annotations.NullMarked;
