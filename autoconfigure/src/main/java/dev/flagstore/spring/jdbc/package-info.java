/**
 * A {@link dev.flagstore.store.PersistentDataStore} on a relational database, through Spring JDBC.
 */
@NullMarked
package dev.flagstore.spring.jdbc;

import org.jspecify.annotations.NullMarked;
