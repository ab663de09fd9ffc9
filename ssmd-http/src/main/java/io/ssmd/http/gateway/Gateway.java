package io.ssmd.http.gateway;

import io.nats.client.Connection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.GatewaySpec;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.shard.ShardHealth;
import io.ssmd.core.subject.Venue;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The client gateway of a node (DESIGN §7): consumes the feed streams, keeps books, tickers and recent trades, and
 * serves {@code /v1/stream} and {@code /v1/markets}. The app passes the normalizers in (ssmd-http does not depend on
 * the venue code).
 */
public final class Gateway implements AutoCloseable {

    /**
     * How old the assigned instruments a subscribe is checked against may be: a market a shard has just taken is
     * subscribable within it, and a thousand clients subscribing at once cost one question to the health registry.
     */
    static final Duration ASSIGNED_MAX_AGE = Duration.ofSeconds(1);

    private final GatewayCore core;
    private final GatewayPipeline pipeline;
    private final SecmasterEvents secmaster;
    private final ApiKeys apiKeys;
    private final GatewayMetrics metrics;
    private final int recentTrades;

    private Gateway(
            GatewayCore core,
            GatewayPipeline pipeline,
            SecmasterEvents secmaster,
            ApiKeys apiKeys,
            GatewayMetrics metrics,
            int recentTrades) {
        this.core = core;
        this.pipeline = pipeline;
        this.secmaster = secmaster;
        this.apiKeys = apiKeys;
        this.metrics = metrics;
        this.recentTrades = recentTrades;
    }

    /**
     * Starts consuming the environment's feed streams.
     *
     * @param normalizers the normalizer of each venue, where there is one
     * @throws IllegalStateException when a stream cannot be read
     * @throws IllegalArgumentException when the API keys file is malformed (naming file and line)
     */
    public static Gateway start(
            ActorSystem<?> system,
            Connection nats,
            Environment environment,
            Function<Venue, Optional<Normalizer>> normalizers,
            PrometheusRegistry registry) {
        return start(system, nats, environment, normalizers, registry, InstrumentDirectory.NONE);
    }

    /**
     * As {@link #start(ActorSystem, Connection, Environment, Function, PrometheusRegistry)}, looking symbols that no
     * shard carries yet up in {@code directory} (the security master).
     */
    public static Gateway start(
            ActorSystem<?> system,
            Connection nats,
            Environment environment,
            Function<Venue, Optional<Normalizer>> normalizers,
            PrometheusRegistry registry,
            InstrumentDirectory directory) {
        ApiKeys keys = environment.gateway().apiKeysFile().map(ApiKeys::load).orElseGet(ApiKeys::none);
        List<GatewayFeed> feeds =
                environment.feeds().stream().map(f -> feed(f, normalizers)).toList();
        return start(system, nats, environment.name(), feeds, environment.gateway(), keys, registry, directory);
    }

    /** Starts a gateway over the given feeds of environment {@code env} (tests and benchmarks). */
    public static Gateway start(
            ActorSystem<?> system,
            Connection nats,
            String env,
            List<GatewayFeed> feeds,
            GatewaySpec spec,
            ApiKeys keys,
            PrometheusRegistry registry) {
        return start(system, nats, env, feeds, spec, keys, registry, InstrumentDirectory.NONE);
    }

    /** As above, with a directory for symbols no shard carries yet. */
    public static Gateway start(
            ActorSystem<?> system,
            Connection nats,
            String env,
            List<GatewayFeed> feeds,
            GatewaySpec spec,
            ApiKeys keys,
            PrometheusRegistry registry,
            InstrumentDirectory directory) {
        GatewayMetrics metrics = GatewayMetrics.create(registry);
        GatewayCore core = new GatewayCore(feeds, spec, metrics, directory);
        metrics.subscriptionsFrom(core::subscriptionCount);
        GatewayPipeline pipeline = GatewayPipeline.start(system, nats, env, core);
        SecmasterEvents secmaster = SecmasterEvents.start(system, nats, env, core);
        return new Gateway(core, pipeline, secmaster, keys, metrics, spec.recentTrades());
    }

    static GatewayFeed feed(EnabledFeed feed, Function<Venue, Optional<Normalizer>> normalizers) {
        OptionalInt depth =
                feed.definition().book().map(b -> OptionalInt.of(b.depth())).orElse(OptionalInt.empty());
        return new GatewayFeed(feed.name(), normalizers.apply(feed.venue()), depth, feed.instruments());
    }

    /**
     * {@code /v1/stream} and {@code /v1/markets…}, behind the API keys when they are configured.
     *
     * @param health every shard's latest health report: the instruments clients may subscribe to are those the
     *               shards carry now (asked at most once per {@link #ASSIGNED_MAX_AGE}), besides the configured ones
     *               and those seen on the streams
     */
    public Route routes(Supplier<CompletionStage<List<ShardHealth>>> health) {
        return routes(health, Optional.empty());
    }

    /**
     * As {@link #routes(Supplier)}, with the node's security-master routes ({@code io.ssmd.http.meta.MarketRoutes})
     * tried first behind the same keys: {@code /v1/markets} and {@code /v1/markets/{feed}/{id}} then answer from the
     * security master, and the paths it does not match ({@code …/trades}, {@code /v1/markets/{id}}) from the gateway.
     */
    public Route routes(Supplier<CompletionStage<List<ShardHealth>>> health, Optional<Route> securityMaster) {
        AssignedInstruments assigned = AssignedInstruments.fromHealth(health, ASSIGNED_MAX_AGE, core::isEnded);
        Route markets = new MarketsRoute(core, health, recentTrades).route();
        return Directives.concat(
                new StreamRoute(core, apiKeys, assigned::now).route(),
                apiKeys.guard(() -> securityMaster
                        .map(first -> Directives.concat(first, markets))
                        .orElse(markets)));
    }

    /** The configured API keys, for guarding the node's other {@code /v1} routes the same way. */
    public ApiKeys apiKeys() {
        return apiKeys;
    }

    /** Completes once the books have been rebuilt from the streams' history. */
    public CompletableFuture<Void> warmedUp() {
        return pipeline.warmedUp();
    }

    /** The stream sequence of the feed's last message the gateway handled. */
    public long streamPosition(String feed) {
        return pipeline.position(feed);
    }

    public GatewayCore core() {
        return core;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /** The stream sequence of the last security-master event handled ({@code {ENV}_SECMASTER}), 0 before the first. */
    public long secmasterPosition() {
        return secmaster.position();
    }

    @Override
    public void close() {
        secmaster.close();
        pipeline.close();
    }
}
