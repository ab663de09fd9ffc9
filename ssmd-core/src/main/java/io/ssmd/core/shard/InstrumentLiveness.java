package io.ssmd.core.shard;

import io.ssmd.core.config.FeedDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-instrument liveness of one connection: when each watched instrument's channel last brought market data, and
 * which of them have been quiet for longer than their channel's quiet time while other instruments of that channel on
 * this connection streamed. Venues have been seen to ack a subscription and then send nothing for it for minutes
 * while the rest of the connection streams; the whole connection falling silent is the watchdogs' case, never this
 * one's.
 *
 * <p>Called only from the connection's decoding stage (frames, instrument changes and checks alike), so it keeps
 * plain fields. {@link #seen} runs for every published message and allocates nothing once a subject is known: the
 * subject's instrument and channel are resolved once and kept by subject.
 */
final class InstrumentLiveness {

    /** A channel liveness watches: its venue name, the subject type its data goes on, its quiet time. */
    private record Channel(String name, String type, long quietNanos) {}

    /** One instrument's channel. */
    private static final class Watched {
        private final String instrument;
        private final Channel channel;
        /** When its last market data came (or its watch began): nanoTime. */
        private long lastDataNanos;
        /** Whether any market data of it came on this connection: only such an instrument shows its channel streams. */
        private boolean heard;
        /** When it was last reported quiet: the next report waits a whole quiet time from then. */
        private long lastReportNanos;
        /** The venue refused it: not watched, and no sibling of anyone. */
        private boolean refused;

        private Watched(String instrument, Channel channel, long now) {
            this.instrument = instrument;
            this.channel = channel;
            this.lastDataNanos = now;
        }
    }

    /**
     * An instrument's channel found quiet.
     *
     * @param quietNanos how long it had brought nothing (since its last data, or since the connection's first data)
     */
    record Quiet(String instrument, String channel, long quietNanos) {

        double quietSeconds() {
            return Math.round(quietNanos / 1_000_000.0) / 1000.0;
        }
    }

    /** What a subject of no watched instrument's channel resolves to, so it is looked up once too. */
    private static final Watched NOT_WATCHED = new Watched("", new Channel("", "", 0), 0);

    private final Map<String, Channel> channelsByType = new HashMap<>();
    private final Map<String, Watched> bySubject = new HashMap<>();
    private final Map<String, Watched> byKey = new LinkedHashMap<>();
    private Map<String, String> instrumentsByToken = Map.of();
    /** When the connection's first market data came: nanoTime, 0 before. Nobody is quiet before the venue speaks. */
    private long firstDataNanos;

    /**
     * @param quietTimes channel → subject type → quiet time, for the channels the connector can watch
     */
    private InstrumentLiveness(Map<String, Map.Entry<String, Long>> quietTimes) {
        quietTimes.forEach((name, typeAndQuiet) -> channelsByType.put(
                typeAndQuiet.getKey(), new Channel(name, typeAndQuiet.getKey(), typeAndQuiet.getValue())));
    }

    /**
     * The liveness of a connection of {@code shard}, or null when the feed watches no channel: the connector maps each
     * configured channel to its subject type (channels it cannot map were refused when the feed was wired).
     */
    static InstrumentLiveness of(
            FeedDefinition.Liveness settings, VenueConnector connector, ShardContext shard, long nowNanos) {
        Map<String, Map.Entry<String, Long>> channels = new LinkedHashMap<>();
        settings.quietTimes()
                .forEach((channel, quiet) -> connector
                        .subjectType(channel)
                        .ifPresent(type -> channels.put(channel, Map.entry(type, quiet.toNanos()))));
        if (channels.isEmpty()) {
            return null;
        }
        InstrumentLiveness liveness = new InstrumentLiveness(channels);
        liveness.instruments(shard, nowNanos);
        return liveness;
    }

    /** The shortest quiet time watched: checks come often enough for it. */
    java.time.Duration shortestQuiet() {
        long shortest = Long.MAX_VALUE;
        for (Channel channel : channelsByType.values()) {
            shortest = Math.min(shortest, channel.quietNanos());
        }
        return java.time.Duration.ofNanos(shortest);
    }

    /** Market data on {@code subject} arrived at {@code nowNanos}. */
    void seen(String subject, long nowNanos) {
        if (firstDataNanos == 0) {
            firstDataNanos = nowNanos;
        }
        Watched watched = bySubject.get(subject);
        if (watched == null) {
            watched = resolve(subject);
        }
        if (watched != NOT_WATCHED) {
            watched.lastDataNanos = nowNanos;
            watched.heard = true;
        }
    }

    /** The venue refused {@code instrument}: it is not watched on this connection. */
    void refused(String instrument) {
        for (Watched watched : byKey.values()) {
            if (watched.instrument.equals(instrument)) {
                watched.refused = true;
            }
        }
    }

    /**
     * The connection's instruments are now {@code shard}'s: those kept keep their times, new ones are watched from
     * now, removed ones are forgotten.
     */
    void instruments(ShardContext shard, long nowNanos) {
        Map<String, Watched> before = new HashMap<>(byKey);
        byKey.clear();
        bySubject.clear();
        Map<String, String> byToken = new HashMap<>();
        shard.tokens().forEach((instrument, token) -> byToken.put(token, instrument));
        instrumentsByToken = byToken;
        for (String instrument : shard.instruments()) {
            for (Channel channel : channelsByType.values()) {
                String key = key(instrument, channel.type());
                Watched kept = before.get(key);
                byKey.put(key, kept != null ? kept : new Watched(instrument, channel, nowNanos));
            }
        }
    }

    /**
     * The instruments' channels quiet at {@code nowNanos}, each reported once per quiet time: nothing for longer than
     * the channel's quiet time (counted from the connection's first data at the earliest, and from
     * {@code drainedNanos}, when the publish window last drained: the socket was not read before), while another
     * instrument of the same channel brought data within that quiet time.
     */
    List<Quiet> check(long nowNanos, long drainedNanos) {
        if (firstDataNanos == 0) {
            return List.of();
        }
        Map<Channel, Watched[]> newestTwo = newestTwo();
        List<Quiet> quiet = new ArrayList<>(0);
        for (Watched watched : byKey.values()) {
            if (watched.refused) {
                continue;
            }
            long quietNanos = watched.channel.quietNanos();
            long since = Math.max(watched.lastDataNanos, firstDataNanos);
            long reference = Math.max(Math.max(since, watched.lastReportNanos), drainedNanos);
            if (nowNanos - reference <= quietNanos) {
                continue;
            }
            Watched[] newest = newestTwo.get(watched.channel);
            Watched sibling = newest[0] != watched ? newest[0] : newest[1];
            if (sibling == null || nowNanos - sibling.lastDataNanos > quietNanos) {
                // The channel is quiet for everyone: a quiet market or a dead connection, not this instrument.
                continue;
            }
            watched.lastReportNanos = nowNanos;
            quiet.add(new Quiet(watched.instrument, watched.channel.name(), nowNanos - since));
        }
        return quiet;
    }

    /**
     * Per channel, its two watched instruments with the newest data (the second null when there is one); one not heard
     * from yet (just added) is no sign that the channel streams.
     */
    private Map<Channel, Watched[]> newestTwo() {
        Map<Channel, Watched[]> newest = new HashMap<>();
        for (Channel channel : channelsByType.values()) {
            newest.put(channel, new Watched[2]);
        }
        for (Watched watched : byKey.values()) {
            if (watched.refused || !watched.heard) {
                continue;
            }
            Watched[] two = newest.get(watched.channel);
            if (two[0] == null || watched.lastDataNanos - two[0].lastDataNanos > 0) {
                two[1] = two[0];
                two[0] = watched;
            } else if (two[1] == null || watched.lastDataNanos - two[1].lastDataNanos > 0) {
                two[1] = watched;
            }
        }
        return newest;
    }

    /**
     * What a subject not seen before is about: {@code ….{type}.{token}}, a watched channel's type and an instrument of
     * the shard, or nothing watched. Kept, so each subject is parsed once; a venue sending instruments the shard does
     * not have cannot grow the map without bound.
     */
    private Watched resolve(String subject) {
        int last = subject.lastIndexOf('.');
        int before = last > 0 ? subject.lastIndexOf('.', last - 1) : -1;
        Watched watched = NOT_WATCHED;
        if (before >= 0) {
            String type = subject.substring(before + 1, last);
            String instrument = instrumentsByToken.get(subject.substring(last + 1));
            if (instrument != null && channelsByType.containsKey(type)) {
                watched = byKey.getOrDefault(key(instrument, type), NOT_WATCHED);
            }
        }
        if (bySubject.size() < 16 * (byKey.size() + 16)) {
            bySubject.put(subject, watched);
        }
        return watched;
    }

    private static String key(String instrument, String type) {
        return instrument + '\n' + type;
    }
}
