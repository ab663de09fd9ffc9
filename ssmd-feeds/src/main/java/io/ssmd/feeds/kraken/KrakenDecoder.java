package io.ssmd.feeds.kraken;

import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.FrameDecoder;
import io.ssmd.core.shard.JsonSlices;
import io.ssmd.core.shard.ShardContext;
import io.ssmd.core.shard.SubjectCache;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decodes the frames of one Kraken spot v2 connection (exchanges/PROTOCOLS.md §2) and checks its books.
 *
 * <ul>
 *   <li>{@code book}, {@code trade}, {@code ticker} frames are market data: every element of {@code data} is routed
 *       (a frame may hold several symbols) to {@code {env}.{feed}.json.{orderbook|trade|ticker}.{token}}, each as the
 *       frame's bytes with only that element left in the array.</li>
 *   <li>{@code status}, method answers (subscribe and unsubscribe acks, errors) are system frames. A refused
 *       subscribe is also reported as a rejection of its symbol; Kraken answers each symbol separately, so the
 *       others go on.</li>
 *   <li>{@code {"channel":"heartbeat"}} (no {@code type}) is a heartbeat, {@code {"method":"pong",...}} a pong.</li>
 *   <li>Anything else, and anything not JSON, is unparsed.</li>
 * </ul>
 *
 * <p>Books: each book snapshot and update is applied to a local copy kept from the wire text and its CRC32 compared
 * with the frame's. On a mismatch the symbol's book is resynchronized: one {@link Decoded.Resync}, and replies that
 * unsubscribe and subscribe that book again; until the fresh snapshot its updates are still published but not
 * checked, and the book is not reported broken again.
 */
public final class KrakenDecoder implements FrameDecoder {

    private final ShardContext shard;
    private final SubjectCache subjects;
    private final int bookDepth;
    private final boolean checksBooks;
    private final Map<String, KrakenLocalBook> books = new HashMap<>();
    /** Symbols whose book was found broken and resubscribed, waiting for the new snapshot. */
    private final Set<String> resyncing = new HashSet<>();

    private final KrakenChecksum checksum = new KrakenChecksum();
    private final KrakenFrameTape fast = new KrakenFrameTape();

    private KrakenDecoder(ShardContext shard, KrakenSettings settings) {
        this.shard = shard;
        this.subjects = SubjectCache.forShard(shard);
        this.bookDepth = settings.bookDepth();
        // A feed without the book channel never subscribed one: nothing to check, and nothing to resubscribe.
        this.checksBooks = settings.followsBooks();
    }

    /** A decoder for one connection of {@code shard}, checking books at the settings' depth. */
    public static KrakenDecoder create(ShardContext shard, KrakenSettings settings) {
        return new KrakenDecoder(shard, settings);
    }

    @Override
    public Decoded decode(byte[] frame) {
        // The common frames in one pass that checks and locates at once; anything else through Jackson, as before.
        KrakenProtocol.Frame read;
        try {
            read = fast.read(frame);
            if (read == null) {
                read = KrakenProtocol.read(frame);
            }
        } catch (KrakenProtocol.NotAFrame e) {
            return Decoded.unparsed(e.getMessage());
        } catch (IOException | RuntimeException e) {
            return Decoded.unparsed("not JSON: " + e.getClass().getSimpleName());
        }
        try {
            if (read.channel() != null) {
                return channelFrame(frame, read);
            }
            if (read.method() != null) {
                return methodAnswer(frame, read);
            }
            // Kraken answers a request it cannot read with an error that names no method.
            if (read.error() != null && Boolean.FALSE.equals(read.success())) {
                return Decoded.system("error", shard, frame);
            }
            return Decoded.unparsed("neither a channel frame nor a method answer");
        } catch (RuntimeException e) {
            // A decoder never throws (FrameDecoder): a bug here must not cost the frame.
            return Decoded.unparsed("decoder failure: " + e);
        }
    }

    private Decoded channelFrame(byte[] frame, KrakenProtocol.Frame read) {
        return switch (read.channel()) {
            // Kraken's heartbeat is {"channel":"heartbeat"}: no type, no data.
            case "heartbeat" -> Decoded.heartbeat();
            case "status" -> Decoded.system("status", shard, frame);
            case "book" -> book(frame, read);
            case "trade", "ticker" -> marketData(frame, read, read.channel());
            default -> Decoded.unparsed("unexpected channel '" + read.channel() + "'");
        };
    }

    /**
     * One message per {@code data} element, each the frame's own bytes with only that element left: the envelope
     * ({@code channel}, {@code type}) stays, no number is re-written.
     */
    private Decoded marketData(byte[] frame, KrakenProtocol.Frame read, String type) {
        List<KrakenProtocol.Entry> data = read.data();
        if (data == null || data.isEmpty()) {
            return Decoded.unparsed(read.channel() + " frame without data entries");
        }
        for (int i = 0; i < data.size(); i++) {
            if (data.get(i).symbol() == null) {
                return Decoded.unparsed(read.channel() + " data entry " + i + " has no symbol");
            }
        }
        JsonSlices.Layout layout = read.layout();
        if (layout == null || layout.size() != data.size()) {
            return Decoded.unparsed(read.channel() + " data array could not be sliced");
        }
        if (data.size() == 1) {
            return Decoded.data(
                    type,
                    List.of(new Decoded.Routed(
                            subjects.marketData(shard, type, data.get(0).symbol()), frame, 0)));
        }
        List<Decoded.Routed> routed = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            byte[] payload = layout.withOnly(frame, i);
            routed.add(new Decoded.Routed(
                    subjects.marketData(shard, type, data.get(i).symbol()), payload, i));
        }
        return Decoded.data(type, routed);
    }

    private Decoded book(byte[] frame, KrakenProtocol.Frame read) {
        boolean snapshot = "snapshot".equals(read.type());
        if (!snapshot && !"update".equals(read.type())) {
            return Decoded.unparsed("book frame of type '" + read.type() + "'");
        }
        Decoded decoded = marketData(frame, read, "orderbook");
        if (decoded.kind() != Decoded.Kind.DATA || !checksBooks) {
            return decoded;
        }
        List<Decoded.Resync> resyncs = new ArrayList<>();
        for (KrakenProtocol.Entry entry : read.data()) {
            check(entry, snapshot).ifPresent(reason -> {
                resyncing.add(entry.symbol());
                books.remove(entry.symbol());
                resyncs.add(new Decoded.Resync(entry.symbol(), reason));
            });
        }
        if (resyncs.isEmpty()) {
            return decoded;
        }
        List<String> symbols =
                resyncs.stream().map(Decoded.Resync::instrument).distinct().toList();
        return decoded.withResyncs(resyncs)
                .withReplies(List.of(
                        KrakenProtocol.unsubscribeBook(symbols, bookDepth, KrakenProtocol.REQ_RESYNC_UNSUBSCRIBE),
                        KrakenProtocol.subscribe("book", symbols, bookDepth, KrakenProtocol.REQ_RESYNC_SUBSCRIBE)));
    }

    /** Applies one book element to its local book; why the book is broken, or empty when it checks out. */
    private Optional<String> check(KrakenProtocol.Entry entry, boolean snapshot) {
        String symbol = entry.symbol();
        KrakenLocalBook book;
        if (snapshot) {
            resyncing.remove(symbol);
            book = books.computeIfAbsent(symbol, s -> new KrakenLocalBook(bookDepth));
        } else {
            book = books.get(symbol);
            // No snapshot yet on this connection (or a resync under way): nothing to check the update against.
            if (book == null || resyncing.contains(symbol)) {
                return Optional.empty();
            }
        }
        if (!entry.readable()) {
            return Optional.of("book levels not readable");
        }
        if (snapshot) {
            book.replace(entry.bids(), entry.asks());
        } else {
            book.apply(entry.bids(), entry.asks());
        }
        if (entry.checksum().isEmpty()) {
            // Every v2 book element carries a checksum; should one come without, the book is kept unchecked.
            return Optional.empty();
        }
        long computed = book.checksum(checksum);
        long expected = entry.checksum().getAsLong();
        return computed == expected
                ? Optional.empty()
                : Optional.of("checksum mismatch: Kraken " + expected + ", local book " + computed);
    }

    @Override
    public java.util.Collection<String> checkedBooks() {
        List<String> checked = new ArrayList<>(books.size());
        for (String symbol : books.keySet()) {
            if (!resyncing.contains(symbol)) {
                checked.add(symbol);
            }
        }
        return checked;
    }

    @Override
    public Optional<io.ssmd.core.model.BookSnapshot> checkedBook(String symbol) {
        if (!checking(symbol)) {
            return Optional.empty();
        }
        return Optional.of(books.get(symbol).normalized(shard.feed(), symbol));
    }

    /** Whether this symbol's book is being checked: a snapshot seen on this connection and no resync pending. */
    boolean checking(String symbol) {
        return books.containsKey(symbol) && !resyncing.contains(symbol);
    }

    private Decoded methodAnswer(byte[] frame, KrakenProtocol.Frame read) {
        if (read.method().equals("pong")) {
            return Decoded.pong();
        }
        if (read.success() == null) {
            // A request (a recording may hold the client's own lines); Kraken never sends one.
            return Decoded.unparsed("a '" + read.method() + "' request, not a venue answer");
        }
        if (read.success()) {
            return Decoded.system(read.method(), shard, frame);
        }
        Decoded error = Decoded.system("error", shard, frame);
        return read.method().equals("subscribe") ? error.withRejections(rejections(read)) : error;
    }

    /**
     * Who a refused subscribe leaves out. Kraken refuses symbols one by one ({@code Currency pair not supported X}
     * with {@code symbol}); a refusal of a whole request ({@code Subscription depth not supported}) names no symbol,
     * so its {@code req_id} says which of ssmd's channel subscriptions it was, and every instrument of the shard
     * misses that channel.
     */
    private List<Decoded.Rejection> rejections(KrakenProtocol.Frame read) {
        String reason = read.error() == null ? "refused" : read.error();
        if (read.symbol() != null) {
            return List.of(new Decoded.Rejection(read.symbol(), reason));
        }
        Optional<String> channel = KrakenProtocol.channelOfSubscribe(read.reqId());
        if (channel.isEmpty()) {
            return List.of();
        }
        String wholeRequest = reason + " (whole " + channel.get() + " subscription refused)";
        return shard.instruments().stream()
                .map(i -> new Decoded.Rejection(i, wholeRequest))
                .toList();
    }
}
