package io.ssmd.core.shard;

import io.ssmd.core.nats.OutboundMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which of one connection's messages are published, by receive time, so that a shard renewing its connection
 * (DESIGN §17) has exactly one connection publishing at a time: the old one publishes what it received before the
 * switch time and reads nothing after it ({@link #retired}); the new one publishes what it received from the switch
 * time on, and, before it, holds only its books: for each book token, the venue snapshot and every book message after
 * it, published at the switch so that its books start from its own snapshots. Its other messages before the switch
 * (trades, tickers, acks) are dropped: the old connection published the venue's events of that time.
 *
 * <p>A new connection is ready to take over ({@link Listener#ready}) once every instrument it subscribed (less those the
 * venue refused) has a checked book whose snapshot it holds, when the venue sends books, and once the venue answered
 * the probe sent after the subscribes (the keepalive's pong: a venue answers in order, so every subscribe was answered
 * before it); a venue without either is ready at its first answer.
 *
 * <p>Two threads: the shard's actor sets the switch time ({@link #publishFrom}, {@link #publishUntil}), the connection's
 * decoding stage reads it per frame (one volatile read) and alone touches the held messages.
 */
final class PublishGate {

    /** What the decoding stage tells the shard about a connection waiting to take over. Called from that stage. */
    interface Listener {
        /** Every book snapshotted and the venue answered the probe: the shard may switch to this connection. */
        void ready();

        /** The connection cannot take over (its held books outgrew the bound, or one broke): the renewal fails. */
        void failed(String detail);
    }

    private static final Listener NONE = new Listener() {
        @Override
        public void ready() {}

        @Override
        public void failed(String detail) {}
    };

    /** Frames received at or after this (epoch µs) are published; {@link Long#MAX_VALUE} while holding. */
    private volatile long publishFrom;
    /** Frames received at or after this are not read: the connection was replaced. */
    private volatile long publishUntil = Long.MAX_VALUE;

    private final Listener listener;
    private final boolean books;
    private final boolean probed;
    private final int maxHeld;
    /** The instruments the old connection streams: each needs its book here, and none may be refused here. */
    private final Set<String> expected;

    /* Decoding stage only. */
    /** The held book messages in the order received: a venue's seq may run across instruments (Kalshi's sid). */
    private final List<OutboundMessage> held = new ArrayList<>();
    /** The book tokens whose snapshot is held: their messages are kept from it on. */
    private final Set<String> chained = new HashSet<>();

    private final Map<String, String> tokenOf = new HashMap<>();
    private long dropped;
    private boolean answered;
    private boolean probeAnswered;
    private boolean told;
    /** Written by the decoding stage, read by the shard when the renewal times out. */
    private volatile String waitingFor = "the new connection's first frame";

    private PublishGate(
            long publishFrom,
            Listener listener,
            boolean books,
            boolean probed,
            int maxHeld,
            Collection<String> expected) {
        this.publishFrom = publishFrom;
        this.expected = Set.copyOf(expected);
        this.listener = listener;
        this.books = books;
        this.probed = probed;
        this.maxHeld = maxHeld;
    }

    /** A connection that publishes everything it receives: every connection but a renewal's new one. */
    static PublishGate open() {
        return new PublishGate(0, NONE, false, false, 0, Set.of());
    }

    /**
     * A renewal's new connection: holds its books until {@link #publishFrom} is set.
     *
     * @param books   whether the venue sends a book snapshot of every instrument subscribed
     *                ({@link VenueConnector#booksOnSubscribe()})
     * @param probed  whether a probe (the keepalive) is sent after the subscribes, whose answer readiness waits for
     * @param maxHeld the most book messages held; more fails the renewal
     * @param expected the instruments the old connection streams (the shard's, less those the venue refused): the new
     *                 one must hold each one's book, and a refusal of one fails the renewal rather than drop it
     */
    static PublishGate holding(
            Listener listener, boolean books, boolean probed, int maxHeld, Collection<String> expected) {
        return new PublishGate(Long.MAX_VALUE, listener, books, probed, maxHeld, expected);
    }

    /** The switch: this connection publishes what it received from {@code micros} on, its held books first. */
    void publishFrom(long micros) {
        publishFrom = micros;
    }

    /** The switch: this connection reads nothing it received from {@code micros} on (it is being replaced). */
    void publishUntil(long micros) {
        publishUntil = micros;
    }

    /** Whether this connection still waits for its switch (a renewal's new connection before it takes over). */
    boolean holding() {
        return publishFrom == Long.MAX_VALUE;
    }

    /** Whether a frame received at {@code receivedMicros} comes after this connection was replaced: not read at all. */
    boolean retired(long receivedMicros) {
        return receivedMicros >= publishUntil;
    }

    /** Messages of frames received before the switch that a new connection dropped (tests, logs). */
    long dropped() {
        return dropped;
    }

    /**
     * What of a decoded frame's messages is published now: all of them once the switch time has come (after what was
     * held), none before it, when book messages are held and readiness is checked.
     *
     */
    List<OutboundMessage> pass(List<OutboundMessage> out, Decoded decoded, FrameDecoder decoder, long receivedMicros) {
        if (receivedMicros >= publishFrom) {
            if (held.isEmpty() && chained.isEmpty()) {
                return out;
            }
            List<OutboundMessage> all = new ArrayList<>(held.size() + out.size());
            all.addAll(held);
            all.addAll(out);
            held.clear();
            chained.clear();
            return all;
        }
        hold(out, decoded, decoder);
        return List.of();
    }

    private void hold(List<OutboundMessage> out, Decoded decoded, FrameDecoder decoder) {
        boolean changed = false;
        for (Decoded.Rejection rejection : decoded.rejections()) {
            if (expected.contains(rejection.instrument()) && !told) {
                // Taking over would drop an instrument the old connection streams: keep the old one.
                told = true;
                listener.failed("the venue refused " + rejection.instrument() + " on the new connection, which the"
                        + " old one streams: " + rejection.reason());
                return;
            }
        }
        if (!decoded.resyncs().isEmpty() && !told) {
            // A book broke on the new connection before it published anything (a venue seq gap, a bad checksum):
            // its held messages no longer follow one another, so it does not take over; the old one goes on.
            told = true;
            Decoded.Resync resync = decoded.resyncs().get(0);
            listener.failed("the new connection's book of " + resync.instrument() + " broke before it took over: "
                    + resync.reason());
            return;
        }
        if (decoded.kind() == Decoded.Kind.PONG) {
            probeAnswered = true;
            changed = true;
        } else if (decoded.kind() == Decoded.Kind.DATA || decoded.kind() == Decoded.Kind.SYSTEM) {
            changed |= !answered;
            answered = true;
        }
        // Polymarket's book messages go on its own types (book, price_change), not orderbook.
        Set<String> bookTypes = decoder.bookTypes();
        Set<String> unchained = null;
        for (OutboundMessage message : out) {
            String token = bookToken(message.subject(), bookTypes);
            if (token != null && !chained.contains(token)) {
                if (unchained == null) {
                    unchained = new HashSet<>();
                }
                unchained.add(token);
            }
        }
        if (unchained != null) {
            changed |= startChains(unchained, decoder);
        }
        for (OutboundMessage message : out) {
            String token = bookToken(message.subject(), bookTypes);
            if (token != null && chained.contains(token)) {
                held.add(message);
            } else {
                dropped++;
            }
        }
        if (held.size() > maxHeld && !told) {
            told = true;
            listener.failed("held " + held.size() + " book messages (ssmd.connectors.renew.max-held " + maxHeld
                    + ") before every book of the new connection was snapshotted");
            return;
        }
        if (changed && !told && ready(decoder)) {
            told = true;
            listener.ready();
        }
    }

    /**
     * Starts holding each token whose book this frame made checked: its messages in this frame are the venue's snapshot
     * (or begin with it). Messages of a token with no checked book are dropped: the book they belong to has no snapshot
     * on this connection yet.
     */
    private boolean startChains(Set<String> unchained, FrameDecoder decoder) {
        boolean started = false;
        for (String instrument : decoder.checkedBooks()) {
            String token = tokenOf.computeIfAbsent(instrument, decoder::bookToken);
            if (unchained.contains(token)) {
                started |= chained.add(token);
            }
        }
        return started;
    }

    private boolean ready(FrameDecoder decoder) {
        int missing = 0;
        if (books) {
            Set<String> checked = new HashSet<>(decoder.checkedBooks());
            for (String instrument : expected) {
                String token = tokenOf.get(instrument);
                if (!checked.contains(instrument) || token == null || !chained.contains(token)) {
                    missing++;
                }
            }
        }
        boolean probeDone = !probed || probeAnswered;
        waitingFor = missing > 0
                ? "book snapshots of " + missing + " of " + expected.size() + " instruments"
                : !probeDone ? "the venue's answer to the probe sent after the subscribes" : "nothing";
        return missing == 0 && probeDone && (books || probed || answered);
    }

    /** What a connection waiting to take over still waits for, for a renewal that timed out. Any thread. */
    String waitingFor() {
        return waitingFor;
    }

    /**
     * The token of a venue book message's subject ({@code ….json.{type}.{token}} with {@code type} one of the venue's
     * book types, {@link FrameDecoder#bookTypes()}), else null.
     */
    static String bookToken(String subject, Set<String> bookTypes) {
        int last = subject.lastIndexOf('.');
        if (last <= 0) {
            return null;
        }
        int type = subject.lastIndexOf('.', last - 1);
        if (type <= 0) {
            return null;
        }
        int json = subject.lastIndexOf('.', type - 1);
        if (json < 0 || type - json - 1 != 4 || !subject.regionMatches(json + 1, "json", 0, 4)) {
            return null;
        }
        return bookTypes.contains(subject.substring(type + 1, last)) ? subject.substring(last + 1) : null;
    }
}
