package io.ssmd.core.config;

import io.ssmd.core.nats.PublisherSettings;
import io.ssmd.core.nats.StreamSpec;
import io.ssmd.core.subject.Subjects;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A validated environment ({@code exchanges/environments/{env}.yaml}): what runs.
 *
 * @param file      the environment file
 * @param name      the environment name, the first token of every subject
 * @param feeds     the enabled feeds only, in file order
 * @param publisher how connectors publish
 * @param streams   the JetStream streams, covering every publishable subject exactly once
 * @param storage   where archivers write
 * @param archivers the archivers, each over streams that exist
 * @param gateway   the gateway
 * @param secmasterSyncEvery {@code secmaster.sync-every}: how often the security master syncs every enabled feed
 *                  (after one sync at startup), {@link java.time.Duration#ZERO} for never ({@code none}); empty when
 *                  the file leaves it to the node's {@code ssmd.secmaster.sync-every}
 * @param schedule  the daily cycle ({@code schedule}), empty when the file sets none
 */
public record Environment(
        Path file,
        String name,
        List<EnabledFeed> feeds,
        PublisherSettings publisher,
        List<StreamSpec> streams,
        StorageSettings storage,
        List<ArchiverSpec> archivers,
        GatewaySpec gateway,
        Optional<java.time.Duration> secmasterSyncEvery,
        Optional<ScheduleSpec> schedule) {

    public Environment {
        feeds = List.copyOf(feeds);
        streams = List.copyOf(streams);
        archivers = List.copyOf(archivers);
    }

    /** The patterns of every subject an enabled feed's connectors can publish. */
    public List<String> publishableSubjects() {
        return feeds.stream()
                .flatMap(f -> Subjects.publishable(name, f.name(), f.venue()).stream())
                .toList();
    }

    /** The enabled feed of that name. */
    public Optional<EnabledFeed> feed(String feedName) {
        return feeds.stream().filter(f -> f.name().equals(feedName)).findFirst();
    }

    /** The stream of that name. */
    public Optional<StreamSpec> stream(String streamName) {
        return streams.stream().filter(s -> s.name().equals(streamName)).findFirst();
    }
}
