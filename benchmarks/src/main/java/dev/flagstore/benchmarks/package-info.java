/**
 * JMH benchmarks of the flagstore engine, its status machinery and health indicator, with LaunchDarkly's Java
 * server SDK as the reference.
 */
@NullMarked
package dev.flagstore.benchmarks;

import org.jspecify.annotations.NullMarked;
