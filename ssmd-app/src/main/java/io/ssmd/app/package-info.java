/** Main, the {@code ssmd} command line and the wiring of a node. */
package io.ssmd.app;
