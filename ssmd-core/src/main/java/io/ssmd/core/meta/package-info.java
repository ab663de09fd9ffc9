/**
 * The metadata layer (DESIGN §14): the feed registry, the schema registry and environments with their versions, in
 * the node's SQL database. Every versioned row is temporal and every versioned read takes an optional as-of instant
 * ({@link io.ssmd.core.meta.AsOf}). Everything here blocks: call it from the blocking dispatcher or the CLI.
 */
package io.ssmd.core.meta;
