package io.ssmd.core;

/**
 * Marks messages that may cross nodes: Pekko serializes them with Jackson CBOR (reference.conf binds it), so a
 * cluster of several nodes, and tests run with {@code serialize-messages = on}, use the same path.
 */
public interface CborSerializable {}
