/**
 * Change events of a store's items: the {@link dev.flagstore.changes.FlagTracker} and its listeners.
 */
@NullMarked
package dev.flagstore.changes;

import org.jspecify.annotations.NullMarked;
