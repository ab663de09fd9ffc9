/** Main and the {@code ssmd} command line; nodes start through {@code io.ssmd.node}. */
package io.ssmd.app;
