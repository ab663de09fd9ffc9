/**
 * The archiver: stream graph from JetStream to compressed segment files with manifests and a gap log.
 * Today it owns only the archive root's settings; the graph arrives with its issue.
 */
package io.ssmd.archive;
