package io.ssmd.feeds.replay;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The faults a replay server injects, shared by all its sessions and changed while it runs (command-line flags
 * set the first state, {@code /control/faults} changes it). Thread-safe: sessions read it from their own streams.
 *
 * <p>Frame faults come two ways: pending one-shots ({@code skip-seq: 1} hits the next eligible frame of whichever
 * session sends one first) and periodic ones ({@code skip-seq-every: 500} hits every 500th data frame of each
 * session). Connection faults count per session: {@code drop-after-frames: 100} drops each session after its
 * 100th data frame.
 */
public final class Faults {

    /** An oversized frame must be larger than any client's limit: ssmd's largest feed limit is 8 MiB. */
    public static final int DEFAULT_OVERSIZED_BYTES = 9 * 1024 * 1024;

    private volatile int dropAfterFrames;
    private volatile Duration dropAfter;
    private volatile Duration stallAfter;
    private volatile boolean stalled;
    private volatile boolean ignorePings;
    private volatile boolean rejectAll;
    private volatile int oversizedBytes = DEFAULT_OVERSIZED_BYTES;
    private final Set<String> rejected = ConcurrentHashMap.newKeySet();
    private volatile Set<String> only = Set.of();
    /** Silenced instrument → the silence clock when it was silenced (see {@link #silence}). */
    private final Map<String, Long> silenced = new ConcurrentHashMap<>();

    private final AtomicLong silenceClock = new AtomicLong();
    private final AtomicLong disconnects = new AtomicLong();
    private final AtomicLong freezes = new AtomicLong();
    private final FrameFault skipSeq = new FrameFault();
    private final FrameFault badChecksum = new FrameFault();
    private final FrameFault malformed = new FrameFault();
    private final FrameFault oversized = new FrameFault();

    /** A fault that hits frames: pending one-shots plus an optional period. */
    public static final class FrameFault {
        private final AtomicInteger pending = new AtomicInteger();
        private volatile int every;

        /**
         * Whether this frame, the session's {@code index}-th eligible one (from 1), is hit. Takes a pending
         * one-shot when there is one.
         */
        public boolean take(long index) {
            int every = this.every;
            if (every > 0 && index % every == 0) {
                return true;
            }
            return pending.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
        }

        public void add(int count) {
            pending.addAndGet(count);
        }

        public void every(int n) {
            every = n;
        }

        public int pending() {
            return pending.get();
        }

        public int every() {
            return every;
        }

        void clear() {
            pending.set(0);
            every = 0;
        }
    }

    public FrameFault skipSeq() {
        return skipSeq;
    }

    public FrameFault badChecksum() {
        return badChecksum;
    }

    public FrameFault malformed() {
        return malformed;
    }

    public FrameFault oversized() {
        return oversized;
    }

    /** 0 = off. */
    public int dropAfterFrames() {
        return dropAfterFrames;
    }

    public void dropAfterFrames(int frames) {
        dropAfterFrames = frames;
    }

    public Optional<Duration> dropAfter() {
        return Optional.ofNullable(dropAfter);
    }

    public void dropAfter(Duration after) {
        dropAfter = after;
    }

    public Optional<Duration> stallAfter() {
        return Optional.ofNullable(stallAfter);
    }

    /** Each session goes silent (socket open, nothing sent) this long after it opened. */
    public void stallAfter(Duration after) {
        stallAfter = after;
    }

    public boolean stalled() {
        return stalled;
    }

    /** Every session goes silent now (socket open, nothing sent), until set back. */
    public void stalled(boolean on) {
        stalled = on;
    }

    public boolean ignorePings() {
        return ignorePings;
    }

    /** Sessions stop answering app-level pings ({@code ping}, {@code PING}); data still flows. */
    public void ignorePings(boolean on) {
        ignorePings = on;
    }

    /** Whether a subscription to {@code instrument} is to be refused, the venue's way. */
    public boolean rejects(String instrument) {
        return rejectAll || rejected.contains(instrument);
    }

    /** Refuses subscriptions to these instruments; {@code *} refuses every subscription. */
    public void reject(Iterable<String> instruments) {
        for (String instrument : instruments) {
            if (instrument.equals("*")) {
                rejectAll = true;
            } else {
                rejected.add(instrument);
            }
        }
    }

    public Set<String> rejected() {
        return rejectAll ? Set.of("*") : Set.copyOf(rejected);
    }

    /**
     * Silences these instruments in every session subscribed to them now: the subscription stays acked, but no market
     * data of the instrument goes out on it, as when a venue acks a pair and then sends nothing for it while the
     * connection's other pairs stream. A fresh subscribe of the instrument (a resubscribe, or a new connection's)
     * is served again, like a venue that recovered; {@link #clear} ends the silence everywhere.
     */
    public void silence(Iterable<String> instruments) {
        long at = silenceClock.incrementAndGet();
        for (String instrument : instruments) {
            silenced.put(instrument, at);
        }
    }

    public Set<String> silenced() {
        return Set.copyOf(silenced.keySet());
    }

    /** The silence clock now: a session notes it with each subscription it makes ({@link SessionSilence}). */
    long silenceMark() {
        return silenceClock.get();
    }

    /** Whether a subscription to {@code instrument} made at silence clock {@code subscribedAt} is silenced. */
    boolean silences(String instrument, long subscribedAt) {
        Long at = silenced.get(instrument);
        return at != null && at > subscribedAt;
    }

    /** Whether no instrument is silenced (the common case, checked before anything per frame). */
    boolean silencesNone() {
        return silenced.isEmpty();
    }

    public int oversizedBytes() {
        return oversizedBytes;
    }

    public void oversizedBytes(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("oversized-bytes must be positive, got " + bytes);
        }
        oversizedBytes = bytes;
    }

    /**
     * Aims the connection faults (drops, stalls, disconnect) at the sessions subscribed to any of these instruments;
     * empty: every session. Lets a test break one shard's connection while its siblings run on.
     */
    public void only(java.util.Collection<String> instruments) {
        only = Set.copyOf(instruments);
    }

    public Set<String> only() {
        return only;
    }

    /** Whether connection faults apply to a session subscribed to {@code instruments}. */
    public boolean targets(Set<String> instruments) {
        Set<String> aimed = only;
        if (aimed.isEmpty()) {
            return true;
        }
        for (String instrument : instruments) {
            if (aimed.contains(instrument)) {
                return true;
            }
        }
        return false;
    }

    /** Drops every open session now (those aimed at by {@link #only}, when set). */
    public void disconnectAll() {
        disconnects.incrementAndGet();
    }

    long disconnectGeneration() {
        return disconnects.get();
    }

    /**
     * Freezes every session open now (those aimed at by {@link #only}, when set): it stops sending market data for
     * good but goes on answering pings and commands, the way Polymarket connections are known to freeze. Sessions
     * opened later are not frozen, so a client that reconnects gets data again.
     */
    public void freezeOpenSessions() {
        freezes.incrementAndGet();
    }

    long freezeGeneration() {
        return freezes.get();
    }

    /** Back to no faults (open sessions stay open). */
    public void clear() {
        dropAfterFrames = 0;
        dropAfter = null;
        stallAfter = null;
        stalled = false;
        ignorePings = false;
        rejectAll = false;
        rejected.clear();
        silenced.clear();
        oversizedBytes = DEFAULT_OVERSIZED_BYTES;
        only = Set.of();
        skipSeq.clear();
        badChecksum.clear();
        malformed.clear();
        oversized.clear();
    }
}
