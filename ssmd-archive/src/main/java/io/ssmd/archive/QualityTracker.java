package io.ssmd.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmd.core.meta.QualityIssueType;
import io.ssmd.core.meta.QualityIssues;
import io.ssmd.core.meta.QualityProbe;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.subject.ParsedSubject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the quality issues of one stream's messages as the archiver writes them, in stream order (docs/inventory.md):
 * duplicates, sequences and venue times going back, missing fields, unparsed frames, clock skew, book resyncs. The
 * venue-specific facts (trade ids, sequences, venue times) come from the feed's {@link QualityProbe}.
 *
 * <p>Counts gather per open segment and are handed over when it commits ({@link #drain}); a segment that is dropped
 * is read again from the stream, so its counts are dropped with it ({@link #reset}) and never counted twice. Not
 * thread-safe: the stream's archive owns it.
 */
final class QualityTracker {

    private static final Logger log = LoggerFactory.getLogger(QualityTracker.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DAY_MICROS = 86_400_000_000L;
    // A sample keeps the archived line whole up to this size, so it stays readable JSON.
    private static final int SAMPLE_LINE_MAX = 4096;

    private final QualityProbe probe;
    private final QualitySettings settings;
    private final Recent messageIds;
    private final Recent tradeIds;
    // Per connection (shard and epoch) and channel: the last venue sequence.
    private final Map<String, Long> lastSeq = new HashMap<>();
    // Per instrument and event type: the latest venue time so far.
    private final Map<String, Long> lastVenueTs = new HashMap<>();
    private final Map<QualityIssueType, Pending> pending = new EnumMap<>(QualityIssueType.class);
    private long day = Long.MIN_VALUE;

    QualityTracker(QualityProbe probe, QualitySettings settings) {
        this.probe = probe;
        this.settings = settings;
        this.messageIds = new Recent(settings.idWindow());
        this.tradeIds = new Recent(settings.idWindow());
    }

    /** Issues of one type in the open segment. */
    private static final class Pending {
        long count;
        String sample;
        long first;
        long last;
    }

    /** Checks one message that the archive has just written. */
    void observe(ArchiveRecord record) {
        long recordDay = Math.floorDiv(record.ts(), DAY_MICROS);
        if (recordDay != day) {
            // Duplicates and order are judged within a UTC day, as they are counted.
            day = recordDay;
            forget();
        }
        if (record.id() != null && !messageIds.add(record.id())) {
            found(QualityIssueType.DUPLICATE, record, "message id " + record.id() + " seen before");
        }
        ParsedSubject parts = record.parts();
        switch (parts.kind()) {
            case UNPARSED -> found(QualityIssueType.PARSE_ERROR, record, "frame on the unparsed subject");
            case CONTROL -> {
                String event = parts.controlEvent().orElse("");
                if (event.equals(ControlEvent.RESYNC)) {
                    found(QualityIssueType.BOOK_RESYNC, record, "book resync");
                } else if (event.equals(ControlEvent.INSTRUMENT_QUIET)) {
                    found(QualityIssueType.INSTRUMENT_QUIET, record, "instrument quiet while its siblings streamed");
                }
            }
            case MARKET_DATA -> marketData(record, parts);
            default -> {
                // System frames, ssmd's own book snapshots and other subjects carry nothing to check.
            }
        }
    }

    private void marketData(ArchiveRecord record, ParsedSubject parts) {
        QualityProbe.Inspection inspection = record.inspection();
        try {
            if (inspection == null) {
                inspection = probe.inspect(parts.type(), record.data());
            }
        } catch (RuntimeException e) {
            // A probe must never stop the archive: the message is written either way.
            log.debug("quality probe failed on seq {}: {}", record.seq(), e.toString());
            return;
        }
        if (!inspection.missing().isEmpty()) {
            found(QualityIssueType.MISSING_FIELD, record, "missing " + String.join(", ", inspection.missing()));
        }
        String connection = connection(record.id());
        for (QualityProbe.Event event : inspection.events()) {
            String instrument = event.instrument() + '|' + event.kind();
            if (event.tradeId().isPresent()
                    && !tradeIds.add(event.instrument() + '|' + event.tradeId().get())
                    && !event.snapshot()) {
                found(
                        QualityIssueType.DUPLICATE,
                        record,
                        "trade id " + event.tradeId().get() + " seen before");
            }
            if (event.seq().isPresent()) {
                String channel = connection + '|' + event.channel().orElse(instrument);
                long seq = event.seq().getAsLong();
                Long previous = lastSeq.put(channel, seq);
                if (previous != null && seq <= previous) {
                    found(
                            QualityIssueType.OUT_OF_ORDER,
                            record,
                            "venue seq " + seq + " after " + previous + " on "
                                    + event.channel().orElse(instrument));
                }
            }
            if (event.venueTs() > 0 && !event.snapshot()) {
                venueTime(record, event, instrument);
            }
        }
    }

    private void venueTime(ArchiveRecord record, QualityProbe.Event event, String instrument) {
        long ahead = event.venueTs() - record.ts();
        if (ahead > micros(settings.clockSkewAhead())) {
            found(QualityIssueType.CLOCK_SKEW, record, "venue time " + ahead / 1000 + " ms ahead of the receive time");
        } else if (-ahead > micros(settings.clockSkewBehind())) {
            found(QualityIssueType.CLOCK_SKEW, record, "venue time " + -ahead / 1000 + " ms behind the receive time");
        }
        Long previous = lastVenueTs.get(instrument);
        if (previous != null && event.venueTs() < previous) {
            found(
                    QualityIssueType.OUT_OF_ORDER,
                    record,
                    "venue time " + event.venueTs() + " µs before " + previous + " µs of " + event.instrument() + " "
                            + event.kind());
        } else {
            lastVenueTs.put(instrument, event.venueTs());
        }
    }

    private void found(QualityIssueType type, ArchiveRecord record, String reason) {
        Pending p = pending.computeIfAbsent(type, t -> new Pending());
        if (p.count == 0) {
            p.sample = sample(record, reason);
            p.first = record.ts();
        }
        p.count++;
        p.last = Math.max(p.last, record.ts());
    }

    /** The issues of the segment just committed; counting starts again for the next one. */
    List<QualityIssues.Tally> drain() {
        List<QualityIssues.Tally> tallies = new ArrayList<>();
        pending.forEach((type, p) ->
                tallies.add(new QualityIssues.Tally(type, p.count, p.sample, instant(p.first), instant(p.last))));
        pending.clear();
        return tallies;
    }

    /**
     * The open segment was dropped and will be read again: its counts go, and so does what was remembered (it may
     * include the dropped messages, which would otherwise come back as duplicates).
     */
    void reset() {
        pending.clear();
        forget();
    }

    private void forget() {
        messageIds.clear();
        tradeIds.clear();
        lastSeq.clear();
        lastVenueTs.clear();
    }

    /** {@code {shard}:{epoch}} of a message id {@code {shard}:{epoch}:{frame}:{element}}: one venue connection. */
    private static String connection(String id) {
        if (id == null) {
            return "";
        }
        int first = id.indexOf(':');
        int second = first < 0 ? -1 : id.indexOf(':', first + 1);
        return second < 0 ? id : id.substring(0, second);
    }

    private static String sample(ArchiveRecord record, String reason) {
        ObjectNode sample = JSON.createObjectNode();
        sample.put("reason", reason);
        sample.put("seq", record.seq());
        sample.put("ts", record.ts());
        byte[] line = record.line();
        int end = line.length > 0 && line[line.length - 1] == '\n' ? line.length - 1 : line.length;
        if (end <= SAMPLE_LINE_MAX) {
            try {
                sample.set("message", JSON.readTree(line, 0, end));
                return sample.toString();
            } catch (IOException e) {
                // Falls through to the line's beginning as text.
            }
        }
        sample.put("message_head", new String(line, 0, Math.min(end, SAMPLE_LINE_MAX), StandardCharsets.UTF_8));
        return sample.toString();
    }

    private static Instant instant(long micros) {
        return Instant.EPOCH.plusNanos(micros * 1000);
    }

    private static long micros(java.time.Duration d) {
        return d.toNanos() / 1000;
    }

    /** The most recent ids, up to a bound: the oldest is forgotten first. */
    private static final class Recent {
        private final LinkedHashMap<String, Boolean> ids;

        Recent(int capacity) {
            this.ids = new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > capacity;
                }
            };
        }

        /** Whether {@code id} is new. */
        boolean add(String id) {
            return ids.put(id, Boolean.TRUE) == null;
        }

        void clear() {
            ids.clear();
        }
    }
}
