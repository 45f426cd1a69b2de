/**
 * The Actuator endpoint {@code flagstore} ({@link dev.flagstore.spring.endpoint.FlagstoreEndpoint}), the recent
 * status transitions it shows, and the {@code info} contributor.
 */
@NullMarked
package dev.flagstore.spring.endpoint;

import org.jspecify.annotations.NullMarked;
