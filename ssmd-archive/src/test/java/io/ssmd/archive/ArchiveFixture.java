package io.ssmd.archive;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.ssmd.core.nats.PublishHeaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/** Streams, messages and archive reading for the archiver's tests. */
final class ArchiveFixture {

    /** 2026-01-01T00:00:00Z in µs: test messages are received in the past, so idle windows close at once. */
    static final long DAY0 = 1_767_225_600_000_000L;

    static final long MINUTE = 60_000_000L;

    private ArchiveFixture() {}

    /** Creates a file stream over {@code {env}.{feed}.>}, optionally limited to {@code maxMsgs} messages. */
    static void createStream(Connection nats, String stream, String env, String feed, long maxMsgs) {
        try {
            StreamConfiguration.Builder config = StreamConfiguration.builder()
                    .name(stream)
                    .subjects(env + "." + feed + ".>")
                    .storageType(StorageType.File);
            if (maxMsgs > 0) {
                config.maxMessages(maxMsgs);
            }
            nats.jetStreamManagement().addStream(config.build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JetStreamApiException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A message as a connector publishes it: Nats-Msg-Id, Ssmd-Received-At, Ssmd-Shard. */
    static NatsMessage message(String subject, String id, long receivedAt, byte[] data) {
        Headers headers = new Headers()
                .add(PublishHeaders.MSG_ID, id)
                .add(PublishHeaders.RECEIVED_AT, Long.toString(receivedAt))
                .add(PublishHeaders.SHARD, "test-0");
        return NatsMessage.builder()
                .subject(subject)
                .headers(headers)
                .data(data)
                .build();
    }

    /** A 300-byte-ish trade frame. */
    static byte[] trade(long i) {
        return ("{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"side\":\"buy\","
                        + "\"price\":\"97000.1\",\"qty\":\"0.0012\",\"ord_type\":\"limit\",\"trade_id\":" + i
                        + ",\"timestamp\":\"2026-01-01T00:00:00.000000Z\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Publishes {@code count} trades, one receive time per {@code spacing} µs from {@code start}, waiting for acks. */
    static void publishTrades(
            JetStream js, String subject, String idPrefix, long first, int count, long start, long spacing) {
        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long n = first + i;
            acks.add(js.publishAsync(message(subject, idPrefix + ":" + n, start + i * spacing, trade(n))));
            if (acks.size() >= 2000) {
                acks.forEach(CompletableFuture::join);
                acks.clear();
            }
        }
        acks.forEach(CompletableFuture::join);
    }

    /** Publishes one message and waits for its ack. */
    static long publish(JetStream js, NatsMessage message) {
        try {
            return js.publish(message).getSeqno();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JetStreamApiException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every segment of a stream directory, in path order (dates, then windows); safe while an archiver writes. */
    static List<Path> segments(Path streamDir) {
        try {
            List<Path> segments = new ArrayList<>();
            for (Path dateDir : ManifestRebuild.dateDirs(streamDir)) {
                try (Stream<Path> files = Files.list(dateDir)) {
                    files.filter(p -> ArchiveLayout.isSegment(p.getFileName().toString()))
                            .sorted()
                            .forEach(segments::add);
                }
            }
            return segments;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every line of every segment under {@code dir}, in order. */
    static List<SegmentReader.Line> lines(Path dir) {
        List<SegmentReader.Line> lines = new ArrayList<>();
        for (Path segment : segments(dir)) {
            try {
                SegmentReader.read(segment, lines::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return lines;
    }

    /** The sequences archived under {@code dir}, in file order. */
    static List<Long> seqs(Path dir) {
        return lines(dir).stream().map(SegmentReader.Line::seq).toList();
    }

    /** Every manifest of a stream directory, oldest first; safe while an archiver writes. */
    static List<Manifest> manifests(Path streamDir) {
        try {
            List<Manifest> manifests = new ArrayList<>();
            for (Path dateDir : ManifestRebuild.dateDirs(streamDir)) {
                ManifestStore.read(dateDir).ifPresent(manifests::add);
            }
            return manifests;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records committed under {@code dir}, by the manifests. */
    static long committedRecords(Path dir) {
        return manifests(dir).stream().mapToLong(Manifest::records).sum();
    }

    /** The gaps of every manifest under {@code dir}. */
    static List<Gap> gaps(Path dir) {
        return manifests(dir).stream().flatMap(m -> m.gaps().stream()).toList();
    }
}
