/**
 * Node wiring: {@link io.ssmd.node.Ssmd} starts a whole node, {@link io.ssmd.node.ConnectorNode} its connector side.
 * The app, the benchmarks and the tests start nodes only through these.
 */
package io.ssmd.node;
