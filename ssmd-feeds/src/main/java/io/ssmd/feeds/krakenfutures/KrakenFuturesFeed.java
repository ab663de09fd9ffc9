package io.ssmd.feeds.krakenfutures;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.shard.ConnectTarget;
import io.ssmd.core.shard.FrameDecoder;
import io.ssmd.core.shard.ShardContext;
import io.ssmd.core.shard.VenueClock;
import io.ssmd.core.shard.VenueConnector;
import io.ssmd.core.subject.Venue;
import io.ssmd.feeds.krakenfutures.KrakenFuturesProtocol.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How ssmd's shard machinery talks to Kraken Futures WebSocket v1: one public connection per shard, one subscribe
 * request per configured feed, a heartbeat subscribe as the keepalive, and a {@link KrakenFuturesDecoder} per
 * connection. Immutable; shared by every shard of the feed.
 */
public final class KrakenFuturesFeed implements VenueConnector {
    /**
     * {@code book} deltas carry {@code timestamp}, trades and tickers {@code time} (epoch ms); {@code book_snapshot}
     * and {@code trade_snapshot} carry past times and are not measured.
     */
    public static final VenueClock VENUE_CLOCK = VenueClock.firstOf(
                    VenueClock.millisField("timestamp"), VenueClock.millisField("time"))
            .unless("_snapshot\"");

    private final KrakenFuturesSettings settings;

    private KrakenFuturesFeed(KrakenFuturesSettings settings) {
        this.settings = settings;
    }

    /**
     * The connector of an enabled Kraken Futures feed.
     *
     * @throws IllegalArgumentException when the feed cannot run (see {@link KrakenFuturesSettings#create})
     */
    public static KrakenFuturesFeed create(EnabledFeed feed) {
        return new KrakenFuturesFeed(KrakenFuturesSettings.create(feed));
    }

    /** The connector of already checked settings. */
    public static KrakenFuturesFeed create(KrakenFuturesSettings settings) {
        return new KrakenFuturesFeed(settings);
    }

    public KrakenFuturesSettings settings() {
        return settings;
    }

    @Override
    public String venue() {
        return Venue.KRAKEN_FUTURES.id();
    }

    @Override
    public ConnectTarget target() {
        return ConnectTarget.of(settings.websocket());
    }

    /**
     * One request per configured feed, in the feed file's order, naming all the shard's products: Kraken Futures
     * documents no cap on {@code product_ids} per request, a shard holds at most the feed's
     * {@code max-instruments-per-connection} (100), and four requests are far below the venue's 100 requests/s. The
     * heartbeat feed takes no products and is subscribed even for an empty shard; product feeds are not (a subscribe
     * without products is not a documented request, and the replay server answers it with an error).
     */
    @Override
    public List<String> subscribe(List<String> instruments) {
        List<String> frames = new ArrayList<>();
        for (Channel channel : settings.channels()) {
            if (!channel.perProduct()) {
                frames.add(KrakenFuturesProtocol.subscribe(channel, List.of()));
            } else if (!instruments.isEmpty()) {
                frames.add(KrakenFuturesProtocol.subscribe(channel, instruments));
            }
        }
        return frames;
    }

    /** The {@code book} feed starts each product with a {@code book_snapshot}. */
    @Override
    public boolean booksOnSubscribe() {
        return settings.channels().contains(Channel.BOOK);
    }

    /** {@code book} data goes on {@code orderbook} subjects, {@code trade} and {@code ticker} on their own. */
    @Override
    public Optional<String> subjectType(String channel) {
        return Channel.of(channel).filter(Channel::perProduct).map(c -> switch (c) {
            case BOOK -> KrakenFuturesProtocol.TYPE_ORDERBOOK;
            case TRADE -> KrakenFuturesProtocol.TYPE_TRADE;
            default -> KrakenFuturesProtocol.TYPE_TICKER;
        });
    }

    /**
     * {@code unsubscribe} then {@code subscribe} of the products on that feed: Kraken Futures takes both on an open
     * connection, and a book's fresh {@code book_snapshot} resets the decoder's book and its {@code seq}.
     */
    @Override
    public List<String> resubscribe(String channel, List<String> instruments) {
        Optional<Channel> feed = Channel.of(channel).filter(Channel::perProduct);
        if (instruments.isEmpty() || feed.isEmpty() || !settings.channels().contains(feed.get())) {
            return List.of();
        }
        return List.of(
                KrakenFuturesProtocol.unsubscribe(feed.get(), instruments),
                KrakenFuturesProtocol.subscribe(feed.get(), instruments));
    }

    /**
     * {@code {"event":"subscribe","feed":"heartbeat"}}. Kraken requires a client message at least every 60 s but
     * documents no app-level ping message (PROTOCOLS.md §3), and Pekko answers WebSocket pings without the
     * application seeing them (DESIGN §11). A heartbeat subscribe is a documented request, so it is client traffic
     * the venue accepts, and the venue answers it ({@code {"event":"subscribed","feed":"heartbeat"}}) and keeps the
     * heartbeat feed flowing: inbound traffic for the watchdog even on a quiet product. The decoder counts those
     * answers as pongs, not system frames.
     */
    @Override
    public Optional<String> keepalive() {
        return Optional.of(KrakenFuturesProtocol.subscribeHeartbeat());
    }

    @Override
    public VenueClock venueClock() {
        return VENUE_CLOCK;
    }

    @Override
    public FrameDecoder decoder(ShardContext shard) {
        return new KrakenFuturesDecoder(shard, settings);
    }
}
