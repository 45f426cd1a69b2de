/**
 * Flag sources: what feeds the data store (a file, an HTTP service, a queue, a vendor SDK), the sink through
 * which it writes, and its own status ({@link dev.flagstore.source.FlagSourceStatusProvider}), the counterpart of
 * the LaunchDarkly SDKs' data source and {@code DataSourceStatusProvider}.
 */
@NullMarked
package dev.flagstore.source;

import org.jspecify.annotations.NullMarked;
