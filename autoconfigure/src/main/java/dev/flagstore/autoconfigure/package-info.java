/**
 * Spring Boot auto-configuration of the flagstore data store, its properties and its start-up failure analysis.
 */
@NullMarked
package dev.flagstore.autoconfigure;

import org.jspecify.annotations.NullMarked;
