/**
 * The flagstore sample application.
 */
@NullMarked
package dev.flagstore.sample;

import org.jspecify.annotations.NullMarked;
