/**
 * Versioned feature-flag data: the model, the {@link dev.flagstore.store.DataStore} the application uses, and the
 * {@link dev.flagstore.store.PersistentDataStore} a database adapter implements.
 */
@NullMarked
package dev.flagstore.store;

import org.jspecify.annotations.NullMarked;
