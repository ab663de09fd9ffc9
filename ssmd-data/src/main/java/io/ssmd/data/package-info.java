/**
 * Getting data back out of the archive (DESIGN §16): {@code ssmd data replay} into NATS under another environment, to
 * a venue-protocol WebSocket or to the gateway's protocol; {@code ssmd data export} of the normalized model to Parquet
 * and CSV; {@code ssmd data query} with DuckDB over views of the raw archive and the exports. The archive is read
 * through {@link io.ssmd.archive.ArchiveSelection} and {@link io.ssmd.archive.ArchiveReader}.
 */
package io.ssmd.data;
