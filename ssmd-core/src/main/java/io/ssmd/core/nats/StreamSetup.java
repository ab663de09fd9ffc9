package io.ssmd.core.nats;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.ssmd.core.subject.StreamCoverage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or updates the environment's JetStream streams at startup, idempotently (DESIGN §4): a stream that is
 * missing is created, one whose configuration differs is updated, one that matches is left alone.
 *
 * <p>Before touching the server it checks that every subject a connector can publish lands in exactly one stream,
 * counting the streams already on the server that the environment does not name: a forgotten stream from an earlier
 * setup that captures {@code prod.kraken.>} would otherwise make the server refuse ours, or split a feed.
 */
public final class StreamSetup {

    /** What {@link #apply} did to one stream. */
    public enum Outcome {
        CREATED,
        UPDATED,
        UNCHANGED
    }

    /** What {@link #apply} would do to one stream, and the settings that differ when it would update it. */
    public record Preview(Outcome outcome, List<String> differences) {}

    private static final Logger log = LoggerFactory.getLogger(StreamSetup.class);

    /** JetStream's API error code for "stream not found". */
    private static final int STREAM_NOT_FOUND = 10059;

    private final JetStreamManagement jsm;

    public StreamSetup(JetStreamManagement jsm) {
        this.jsm = jsm;
    }

    /**
     * Checks coverage, then creates or updates each stream.
     *
     * @param publishable subject patterns connectors can publish ({@code Subjects.publishable})
     * @return what happened to each stream, by name, in the order given
     * @throws StreamSetupException when coverage fails (nothing is changed then) or the server refuses a stream
     */
    public Map<String, Outcome> apply(List<StreamSpec> specs, Collection<String> publishable) {
        List<StreamInfo> existing = existingStreams();
        checkCoverage(specs, publishable, existing);
        Map<String, StreamInfo> byName = new LinkedHashMap<>();
        existing.forEach(info -> byName.put(info.getConfiguration().getName(), info));
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        for (StreamSpec spec : specs) {
            outcomes.put(spec.name(), createOrUpdate(spec, byName.get(spec.name())));
        }
        return outcomes;
    }

    /**
     * What {@link #apply} would do, changing nothing: the same coverage check against the streams on the server, then
     * per stream whether it would be created, updated (with the differences) or left alone.
     *
     * @return per stream name, in the order given, what would happen to it
     * @throws StreamSetupException when coverage fails or the server cannot be asked
     */
    public Map<String, Preview> preview(List<StreamSpec> specs, Collection<String> publishable) {
        List<StreamInfo> existing = existingStreams();
        checkCoverage(specs, publishable, existing);
        Map<String, StreamInfo> byName = new LinkedHashMap<>();
        existing.forEach(info -> byName.put(info.getConfiguration().getName(), info));
        Map<String, Preview> plan = new LinkedHashMap<>();
        for (StreamSpec spec : specs) {
            StreamInfo current = byName.get(spec.name());
            List<String> differences = current == null ? List.of() : differences(spec, current.getConfiguration());
            Outcome outcome =
                    current == null ? Outcome.CREATED : differences.isEmpty() ? Outcome.UNCHANGED : Outcome.UPDATED;
            plan.put(spec.name(), new Preview(outcome, differences));
        }
        return plan;
    }

    /**
     * Creates {@code spec}'s stream if the server no longer has it: deleted by hand, or a memory stream lost when the
     * server restarted. A stream that exists is left as it is (startup's {@link #apply} owns updates). Readers of the
     * old stream see its sequences start again: the archive records that as a {@code stream_reset}.
     *
     * @return true when the stream was missing and is created again
     * @throws StreamSetupException when the server cannot be asked or refuses the stream
     */
    public boolean recreateIfMissing(StreamSpec spec) {
        try {
            jsm.getStreamInfo(spec.name());
            return false;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw new StreamSetupException("cannot ask for stream " + spec.name() + ": " + e.getMessage(), e);
            }
        } catch (IOException e) {
            throw new StreamSetupException(
                    "cannot reach the NATS server to check stream " + spec.name() + ": " + e.getMessage(), e);
        }
        createOrUpdate(spec, null);
        log.warn(
                "stream {} was missing from the NATS server (deleted, or a memory stream lost in a restart): "
                        + "created it again",
                spec.name());
        return true;
    }

    /** The JetStream configuration ssmd asks for: limits retention, old messages discarded when full. */
    public static StreamConfiguration configuration(StreamSpec spec) {
        return StreamConfiguration.builder()
                .name(spec.name())
                .subjects(spec.subjects())
                .retentionPolicy(RetentionPolicy.Limits)
                .discardPolicy(DiscardPolicy.Old)
                .maxBytes(spec.maxBytes())
                .maxAge(spec.maxAge())
                .duplicateWindow(spec.duplicateWindow())
                .storageType(spec.storage() == StreamSpec.Storage.FILE ? StorageType.File : StorageType.Memory)
                .replicas(spec.replicas())
                .build();
    }

    private Outcome createOrUpdate(StreamSpec spec, StreamInfo current) {
        StreamConfiguration wanted = configuration(spec);
        try {
            if (current == null) {
                jsm.addStream(wanted);
                log.info("created stream {} ({})", spec.name(), spec.subjects());
                return Outcome.CREATED;
            }
            List<String> differences = differences(spec, current.getConfiguration());
            if (differences.isEmpty()) {
                return Outcome.UNCHANGED;
            }
            jsm.updateStream(wanted);
            log.info("updated stream {}: {}", spec.name(), String.join(", ", differences));
            return Outcome.UPDATED;
        } catch (JetStreamApiException e) {
            throw new StreamSetupException(
                    "the NATS server refused stream " + spec.name() + ": " + e.getMessage()
                            + (current != null
                                            && storageOf(spec)
                                                    != current.getConfiguration()
                                                            .getStorageType()
                                    ? " (storage cannot change on an existing stream: delete it or keep "
                                            + current.getConfiguration().getStorageType() + ")"
                                    : ""),
                    e);
        } catch (IOException e) {
            throw new StreamSetupException(
                    "cannot reach the NATS server to set up stream " + spec.name() + ": " + e.getMessage(), e);
        }
    }

    /** The settings ssmd owns that differ on the server, described; the server's other defaults are not ours. */
    static List<String> differences(StreamSpec spec, StreamConfiguration actual) {
        List<String> differences = new ArrayList<>();
        if (!Set.copyOf(spec.subjects()).equals(new HashSet<>(actual.getSubjects()))) {
            differences.add("subjects " + actual.getSubjects() + " -> " + spec.subjects());
        }
        if (actual.getRetentionPolicy() != RetentionPolicy.Limits) {
            differences.add("retention " + actual.getRetentionPolicy() + " -> Limits");
        }
        if (actual.getDiscardPolicy() != DiscardPolicy.Old) {
            differences.add("discard " + actual.getDiscardPolicy() + " -> Old");
        }
        if (normalizedBytes(actual.getMaxBytes()) != normalizedBytes(spec.maxBytes())) {
            differences.add("max bytes " + actual.getMaxBytes() + " -> " + spec.maxBytes());
        }
        if (!normalizedAge(actual.getMaxAge()).equals(normalizedAge(spec.maxAge()))) {
            differences.add("max age " + actual.getMaxAge() + " -> " + spec.maxAge());
        }
        if (!actual.getDuplicateWindow().equals(spec.duplicateWindow())) {
            differences.add("duplicate window " + actual.getDuplicateWindow() + " -> " + spec.duplicateWindow());
        }
        if (actual.getStorageType() != storageOf(spec)) {
            differences.add("storage " + actual.getStorageType() + " -> " + storageOf(spec));
        }
        if (actual.getReplicas() != spec.replicas()) {
            differences.add("replicas " + actual.getReplicas() + " -> " + spec.replicas());
        }
        return differences;
    }

    private void checkCoverage(List<StreamSpec> specs, Collection<String> publishable, List<StreamInfo> existing) {
        Set<String> ours = new HashSet<>();
        specs.forEach(spec -> ours.add(spec.name()));
        List<StreamSpec> all = new ArrayList<>(specs);
        List<String> foreign = new ArrayList<>();
        for (StreamInfo info : existing) {
            StreamConfiguration config = info.getConfiguration();
            if (!ours.contains(config.getName()) && !config.getSubjects().isEmpty()) {
                all.add(asSpec(config));
                foreign.add(config.getName() + " " + config.getSubjects());
            }
        }
        List<String> problems = StreamCoverage.check(all, publishable);
        if (!problems.isEmpty()) {
            String note = foreign.isEmpty()
                    ? ""
                    : "; streams already on the NATS server that the environment does not name: "
                            + String.join(", ", foreign) + " (delete them or add them to the environment)";
            throw new StreamSetupException(
                    "stream setup refused, nothing was changed: " + String.join("; ", problems) + note, null);
        }
    }

    private List<StreamInfo> existingStreams() {
        try {
            return jsm.getStreams();
        } catch (JetStreamApiException e) {
            throw new StreamSetupException("cannot list the streams on the NATS server: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new StreamSetupException("cannot reach the NATS server to list its streams: " + e.getMessage(), e);
        }
    }

    private static StreamSpec asSpec(StreamConfiguration config) {
        return new StreamSpec(
                config.getName(),
                config.getSubjects(),
                config.getMaxBytes(),
                config.getMaxAge(),
                config.getDuplicateWindow(),
                config.getStorageType() == StorageType.File ? StreamSpec.Storage.FILE : StreamSpec.Storage.MEMORY,
                config.getReplicas());
    }

    private static StorageType storageOf(StreamSpec spec) {
        return spec.storage() == StreamSpec.Storage.FILE ? StorageType.File : StorageType.Memory;
    }

    /** The server reports "no limit" as -1; the environment may say 0 or any negative number. */
    private static long normalizedBytes(long bytes) {
        return bytes <= 0 ? -1 : bytes;
    }

    private static Duration normalizedAge(Duration age) {
        return age == null || age.isNegative() ? Duration.ZERO : age;
    }
}
