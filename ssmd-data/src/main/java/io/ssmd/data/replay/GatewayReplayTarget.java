package io.ssmd.data.replay;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.GatewaySpec;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.settings.NodeSettings;
import io.ssmd.core.subject.Subjects;
import io.ssmd.http.HttpServer;
import io.ssmd.http.gateway.ApiKeys;
import io.ssmd.http.gateway.GatewayCore;
import io.ssmd.http.gateway.GatewayFeed;
import io.ssmd.http.gateway.GatewayMetrics;
import io.ssmd.http.gateway.InstrumentDirectory;
import io.ssmd.http.gateway.StreamRoute;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * Serves an archive on the gateway's own protocol ({@code ssmd data replay --gateway}, DESIGN §16 and §7): the archived
 * frames go through the venue's normalizer and the gateway's books, exactly as the gateway handles them live, and
 * clients of {@code /v1/stream} subscribe as to a node's gateway and get normalized trades, tickers and books (a book
 * subscription starts with the current book). Control events become {@code status} events; ssmd's book snapshots and
 * system frames reach no client, as on a node. Messages before the window ({@code --from-time}) only build the books.
 *
 * <p>The replay waits for the first subscription, so that a client that connects, then subscribes, misses nothing even
 * at full speed. A symbol is subscribable when the archive holds it (by its token); the books stay served after the
 * replay ends, until the command is stopped.
 */
public final class GatewayReplayTarget implements ReplayTarget {

    private static final Duration READY_POLL = Duration.ofMillis(20);

    private final String feed;
    private final GatewayCore core;
    private final ServerBinding binding;
    private long statuses;

    private GatewayReplayTarget(String feed, GatewayCore core, ServerBinding binding) {
        this.feed = feed;
        this.core = core;
        this.binding = binding;
    }

    /**
     * Binds the gateway's {@code /v1/stream} on {@code host:port} (0: a free port) for {@code feed}.
     *
     * @param tokens the instrument tokens the archive holds (the manifests' tickers): a client may subscribe to any
     *               symbol whose token is among them
     */
    public static GatewayReplayTarget start(
            ActorSystem<?> system, String host, int port, String feed, Normalizer normalizer, Set<String> tokens) {
        Set<String> known = Set.copyOf(tokens);
        InstrumentDirectory archive = (feeds, symbols) -> CompletableFuture.completedFuture(
                feeds.contains(feed)
                        ? Map.of(
                                feed,
                                symbols.stream()
                                        .filter(s -> known.contains(Subjects.token(s)))
                                        .collect(Collectors.toSet()))
                        : Map.of());
        GatewayCore core = new GatewayCore(
                List.of(new GatewayFeed(feed, Optional.of(normalizer), OptionalInt.empty(), List.of())),
                GatewaySpec.defaults(true, Optional.empty()),
                GatewayMetrics.create(new PrometheusRegistry()),
                archive);
        StreamRoute route = new StreamRoute(core, ApiKeys.none(), () -> CompletableFuture.completedFuture(Map.of()));
        ServerBinding binding = HttpServer.bind(system, new NodeSettings.HttpSettings(host, port), route.route())
                .toCompletableFuture()
                .join();
        return new GatewayReplayTarget(feed, core, binding);
    }

    /** The port it listens on. */
    public int port() {
        return binding.localAddress().getPort();
    }

    /** The gateway core (tests read its books). */
    public GatewayCore core() {
        return core;
    }

    @Override
    public void awaitReady() throws InterruptedException {
        while (core.subscriptionCount() == 0) {
            LockSupport.parkNanos(READY_POLL.toNanos());
            if (Thread.interrupted()) {
                throw new InterruptedException("stopped before a client subscribed");
            }
        }
    }

    @Override
    public boolean send(ReplayMessage m) {
        return apply(m, true);
    }

    @Override
    public void warmUp(ReplayMessage m) {
        apply(m, false);
    }

    private boolean apply(ReplayMessage m, boolean live) {
        var archived = m.message();
        switch (m.subject().kind()) {
            case MARKET_DATA -> {
                String shard = m.shard();
                core.onMarketData(
                        feed,
                        m.subject().type(),
                        m.subject().token(),
                        shard.isEmpty() ? null : shard,
                        archived.frame(),
                        archived.ts(),
                        archived.seq(),
                        live);
                return true;
            }
            case CONTROL -> {
                core.onControl(ControlEvent.fromJson(archived.frame()), archived.seq(), live);
                statuses++;
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    @Override
    public String finish() {
        return String.format(
                java.util.Locale.ROOT,
                "gateway ws://%s:%d/v1/stream: %d clients connected, %d control events as status",
                binding.localAddress().getHostString(),
                port(),
                core.clientCount(),
                statuses);
    }

    @Override
    public void close() {
        binding.unbind().toCompletableFuture().join();
    }
}
