/**
 * Micrometer meters for the flagstore store status and its caches.
 */
@NullMarked
package dev.flagstore.spring.metrics;

import org.jspecify.annotations.NullMarked;
