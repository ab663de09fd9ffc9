package io.ssmd.feeds.kraken;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.shard.ConnectTarget;
import io.ssmd.core.shard.FrameDecoder;
import io.ssmd.core.shard.ShardContext;
import io.ssmd.core.shard.VenueClock;
import io.ssmd.core.shard.VenueConnector;
import io.ssmd.core.subject.Venue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How ssmd's shards talk to Kraken spot WebSocket v2: the public endpoint, no handshake headers, one subscribe per
 * configured channel, an app-level ping, and a {@link KrakenDecoder} per connection.
 *
 * <p>Keepalive: Kraken wants client traffic at least once a minute (PROTOCOLS.md §2.3) and Pekko answers WebSocket
 * protocol pings without telling anyone, so the client sends {@link KrakenProtocol#PING} every
 * {@code keepalive.ping-interval} (30 s in kraken.yaml); its pong, the heartbeat Kraken sends each quiet second,
 * and data are the inbound life the watchdog sees.
 */
public final class KrakenFeed implements VenueConnector {
    /**
     * Book updates and trades carry an RFC 3339 {@code timestamp} per entry (the first is taken); snapshots carry the
     * book's last change or trades long past, so they are not measured.
     */
    public static final VenueClock VENUE_CLOCK =
            VenueClock.rfc3339Field("timestamp").unless("\"type\":\"snapshot\"");

    private final KrakenSettings settings;

    private KrakenFeed(KrakenSettings settings) {
        this.settings = settings;
    }

    /**
     * The connector of an enabled Kraken feed.
     *
     * @throws IllegalArgumentException when the feed's settings are not usable for Kraken (see
     *                                  {@link KrakenSettings#create})
     */
    public static KrakenFeed create(EnabledFeed feed) {
        return new KrakenFeed(KrakenSettings.create(feed));
    }

    /** The connector for settings already read. */
    public static KrakenFeed create(KrakenSettings settings) {
        return new KrakenFeed(settings);
    }

    public KrakenSettings settings() {
        return settings;
    }

    @Override
    public String venue() {
        return Venue.KRAKEN.id();
    }

    @Override
    public ConnectTarget target() {
        return ConnectTarget.of(settings.websocket());
    }

    /**
     * One subscribe per configured channel, naming all the instruments: Kraken documents no limit on symbols per
     * request and answers each symbol with its own ack, so a refused symbol does not hold up the others. Each request
     * asks for a snapshot (a book is only checkable from one; trade snapshots are the last 50 trades, resent on every
     * subscribe and published as they come). No frames when there are no instruments: Kraken refuses an empty
     * symbol list.
     */
    @Override
    public List<String> subscribe(List<String> instruments) {
        if (instruments.isEmpty()) {
            return List.of();
        }
        List<String> frames = new ArrayList<>(settings.channels().size());
        for (String channel : settings.channels()) {
            frames.add(KrakenProtocol.subscribe(
                    channel, instruments, settings.bookDepth(), KrakenProtocol.subscribeReqId(channel)));
        }
        return frames;
    }

    /** {@code book} data goes on {@code orderbook} subjects; {@code trade} and {@code ticker} on their own. */
    @Override
    public Optional<String> subjectType(String channel) {
        return switch (channel) {
            case "book" -> Optional.of("orderbook");
            case "trade", "ticker" -> Optional.of(channel);
            default -> Optional.empty();
        };
    }

    /** The {@code book} subscribe asks for a snapshot of every symbol. */
    @Override
    public boolean booksOnSubscribe() {
        return settings.channels().contains("book");
    }

    /**
     * Unsubscribe then subscribe the symbols on that channel, with a snapshot: Kraken v2 takes both on an open
     * connection, answers each symbol with its own ack, and the fresh book snapshot replaces the decoder's book. Their
     * own {@code req_id}s tell these requests apart from the initial subscribes and the book resyncs.
     */
    @Override
    public List<String> resubscribe(String channel, List<String> instruments) {
        if (instruments.isEmpty() || !settings.channels().contains(channel)) {
            return List.of();
        }
        return List.of(
                KrakenProtocol.unsubscribe(
                        channel, instruments, settings.bookDepth(), KrakenProtocol.REQ_LIVENESS_UNSUBSCRIBE),
                KrakenProtocol.subscribe(
                        channel, instruments, settings.bookDepth(), KrakenProtocol.REQ_LIVENESS_SUBSCRIBE));
    }

    @Override
    public Optional<String> keepalive() {
        return Optional.of(KrakenProtocol.PING);
    }

    @Override
    public VenueClock venueClock() {
        return VENUE_CLOCK;
    }

    @Override
    public FrameDecoder decoder(ShardContext shard) {
        return KrakenDecoder.create(shard, settings);
    }
}
