/**
 * flagstore's own machinery shared by its packages (listener delivery, error descriptions): not an API, may change
 * in any release.
 */
@NullMarked
package dev.flagstore.internal;

import org.jspecify.annotations.NullMarked;
