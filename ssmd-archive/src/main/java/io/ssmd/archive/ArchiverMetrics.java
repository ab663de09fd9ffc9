package io.ssmd.archive;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The archiver's Prometheus metrics (DESIGN §9), labelled by stream. Counters are declared without {@code _total};
 * the client adds it in every exposition format.
 */
public final class ArchiverMetrics {

    private final Counter messages;
    private final Counter bytes;
    private final Counter files;
    private final Counter gaps;
    private final Counter clockSkew;
    private final Gauge lag;
    private final Gauge streamBytes;
    private final Gauge streamMaxBytes;
    private final Counter storageFailures;
    private final Gauge storageOk;
    private final Counter uploads;
    private final Counter uploadFailures;
    private final Gauge uploadPending;
    private final Counter uploadConflicts;
    private final Counter remoteMissing;
    private final Counter inventoryFailures;
    private final ArchiveStorage storage = new ArchiveStorage();

    private ArchiverMetrics(PrometheusRegistry registry) {
        messages = counter("ssmd_archiver_messages", "Stream messages written to archive segments", "stream")
                .register(registry);
        bytes = counter("ssmd_archiver_bytes_written", "Compressed bytes of committed archive files", "stream")
                .register(registry);
        files = counter("ssmd_archiver_files_written", "Archive files committed", "stream")
                .register(registry);
        gaps = counter("ssmd_archiver_gaps", "Gaps recorded in manifests, by type", "stream", "type")
                .register(registry);
        clockSkew = counter(
                        "ssmd_archiver_clock_skew",
                        "Messages whose receive time was beyond clock-skew-limit ahead of the archiver's clock,"
                                + " archived in the current window",
                        "stream")
                .register(registry);
        lag = Gauge.builder()
                .name("ssmd_archiver_lag_messages")
                .help("The stream's last sequence minus the last sequence the archiver has written")
                .labelNames("stream")
                .withoutExemplars()
                .register(registry);
        streamBytes = Gauge.builder()
                .name("ssmd_archiver_stream_bytes")
                .help("Bytes the JetStream stream holds now, read with the lag (archive.lag-interval)")
                .labelNames("stream")
                .withoutExemplars()
                .register(registry);
        streamMaxBytes = Gauge.builder()
                .name("ssmd_archiver_stream_max_bytes")
                .help("The JetStream stream's max-bytes limit (-1: none); at the limit it drops its oldest messages")
                .labelNames("stream")
                .withoutExemplars()
                .register(registry);
        storageFailures = counter(
                        "ssmd_archiver_storage_failures",
                        "Times writing the archive failed (unwritable or full directory); consuming stops until it works",
                        "stream")
                .register(registry);
        storageOk = Gauge.builder()
                .name("ssmd_archiver_storage_ok")
                .help("1 while the archiver can write its directory, 0 after a storage failure until it recovers")
                .labelNames("stream")
                .withoutExemplars()
                .register(registry);
        uploads = counter(
                        "ssmd_archiver_uploads",
                        "Archive files uploaded and verified (size and the SHA-256 stored with the object)",
                        "stream")
                .register(registry);
        uploadFailures = counter(
                        "ssmd_archiver_upload_failures", "Upload attempts that failed or did not verify", "stream")
                .register(registry);
        uploadPending = Gauge.builder()
                .name("ssmd_archiver_upload_pending")
                .help("Committed files not yet uploaded")
                .labelNames("stream")
                .withoutExemplars()
                .register(registry);
        uploadConflicts = counter(
                        "ssmd_archiver_upload_conflicts",
                        "Files not uploaded because the bucket holds other bytes at their key (never overwritten)",
                        "stream")
                .register(registry);
        remoteMissing = counter(
                        "ssmd_archiver_remote_missing",
                        "Uploaded files found missing or changed in the bucket (kept locally and uploaded again)",
                        "stream")
                .register(registry);
        inventoryFailures = counter(
                        "ssmd_archiver_inventory_write_failures",
                        "Writes of data_inventory / data_gaps rows that failed (retried with backoff; archiving goes on)",
                        "stream")
                .register(registry);
    }

    /** Registers the archiver metrics in {@code registry}; call once per registry. */
    public static ArchiverMetrics create(PrometheusRegistry registry) {
        return new ArchiverMetrics(registry);
    }

    /** Which streams can write their directories now: the node's health check reads it. */
    public ArchiveStorage storage() {
        return storage;
    }

    /** The data points of one stream. */
    public StreamMetrics stream(String stream) {
        return new StreamMetrics(
                stream,
                messages.labelValues(stream),
                bytes.labelValues(stream),
                files.labelValues(stream),
                lag.labelValues(stream),
                streamBytes.labelValues(stream),
                streamMaxBytes.labelValues(stream),
                storageFailures.labelValues(stream),
                storageOk.labelValues(stream),
                uploads.labelValues(stream),
                uploadFailures.labelValues(stream),
                uploadPending.labelValues(stream),
                uploadConflicts.labelValues(stream),
                remoteMissing.labelValues(stream),
                clockSkew.labelValues(stream),
                inventoryFailures.labelValues(stream),
                gaps,
                storage);
    }

    /** One stream's data points, looked up once. */
    public record StreamMetrics(
            String stream,
            CounterDataPoint messages,
            CounterDataPoint bytes,
            CounterDataPoint files,
            GaugeDataPoint lag,
            GaugeDataPoint streamBytes,
            GaugeDataPoint streamMaxBytes,
            CounterDataPoint storageFailures,
            GaugeDataPoint storageOk,
            CounterDataPoint uploads,
            CounterDataPoint uploadFailures,
            GaugeDataPoint uploadPending,
            CounterDataPoint uploadConflicts,
            CounterDataPoint remoteMissing,
            CounterDataPoint clockSkew,
            CounterDataPoint inventoryFailures,
            Counter gaps,
            ArchiveStorage storage) {

        /** Counts one gap of {@code type}. */
        public void gap(String type) {
            gaps.labelValues(stream, type).inc();
        }
    }

    private static Counter.Builder counter(String name, String help, String... labels) {
        return Counter.builder().name(name).help(help).labelNames(labels).withoutExemplars();
    }
}
