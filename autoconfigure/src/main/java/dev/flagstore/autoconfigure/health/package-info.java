/**
 * Auto-configuration of the flagstore health indicator.
 */
@NullMarked
package dev.flagstore.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
