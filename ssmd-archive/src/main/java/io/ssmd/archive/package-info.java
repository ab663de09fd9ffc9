/**
 * The archiver (DESIGN §6): each archived JetStream stream is read whole by an ordered consumer and written to
 * compressed JSONL segment files, one per rotation window, committed by rename and listed in a manifest per date
 * directory with a typed gap log. The manifests are the archiver's position. Entry point: {@link
 * io.ssmd.archive.Archivers#start}.
 */
package io.ssmd.archive;
