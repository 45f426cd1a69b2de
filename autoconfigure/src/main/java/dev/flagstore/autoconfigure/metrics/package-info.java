/**
 * Auto-configuration of the flagstore Micrometer metrics.
 */
@NullMarked
package dev.flagstore.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
