/**
 * Auto-configuration of the Actuator endpoint {@code flagstore} and the {@code info} contributor.
 */
@NullMarked
package dev.flagstore.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
