/**
 * Store status: whether the persistent store works, whether its data needs a refresh, and how to be told when that changes.
 */
@NullMarked
package dev.flagstore.status;

import org.jspecify.annotations.NullMarked;
