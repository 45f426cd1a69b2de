/**
 * Actuator health indicator that reports the flagstore store status.
 */
@NullMarked
package dev.flagstore.spring.health;

import org.jspecify.annotations.NullMarked;
