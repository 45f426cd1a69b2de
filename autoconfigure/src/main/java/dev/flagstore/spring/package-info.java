/**
 * Spring integration of flagstore: store status changes published as application events.
 */
@NullMarked
package dev.flagstore.spring;

import org.jspecify.annotations.NullMarked;
