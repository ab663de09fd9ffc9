package io.ssmd.node;

import io.nats.client.Connection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.archive.ArchiveStorage;
import io.ssmd.archive.Archivers;
import io.ssmd.archive.InventoryWriter;
import io.ssmd.core.Secrets;
import io.ssmd.core.SsmdVersion;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.db.Database;
import io.ssmd.core.db.PersistenceDatabase;
import io.ssmd.core.meta.CycleLog;
import io.ssmd.core.meta.DataInventory;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.core.metrics.ConnectorMetrics;
import io.ssmd.core.metrics.NodeMetrics;
import io.ssmd.core.nats.ControlEventPublisher;
import io.ssmd.core.nats.NatsConnections;
import io.ssmd.core.nats.NatsServerProcess;
import io.ssmd.core.nats.PublishHeaders;
import io.ssmd.core.nats.StreamSetup;
import io.ssmd.core.secmaster.OutboxRelay;
import io.ssmd.core.secmaster.SecmasterRelay;
import io.ssmd.core.secmaster.SecmasterRelayMetrics;
import io.ssmd.core.settings.ClusterSettings;
import io.ssmd.core.settings.NatsAuth;
import io.ssmd.core.settings.NodeSettings;
import io.ssmd.core.settings.NodeSettings.EmbeddedNats;
import io.ssmd.core.settings.PersistenceSettings;
import io.ssmd.core.settings.SecmasterRelaySettings;
import io.ssmd.core.settings.SecmasterSettings;
import io.ssmd.core.subject.Subjects;
import io.ssmd.feeds.SecmasterSync;
import io.ssmd.feeds.Venues;
import io.ssmd.http.AdminRoutes;
import io.ssmd.http.DashboardRoute;
import io.ssmd.http.FeedsRoute;
import io.ssmd.http.GapsRoute;
import io.ssmd.http.HealthCheck;
import io.ssmd.http.HealthRoutes;
import io.ssmd.http.HttpServer;
import io.ssmd.http.MetricsRoute;
import io.ssmd.http.gateway.ApiKeys;
import io.ssmd.http.gateway.Gateway;
import io.ssmd.http.gateway.SecmasterDirectory;
import io.ssmd.http.meta.MarketRoutes;
import io.ssmd.http.meta.MetaRoutes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running ssmd node: what {@code ssmd run} starts and what tests start too. {@link #start} returns once the node
 * serves, or throws with nothing left running. Shutdown is Pekko's coordinated shutdown, in the order of DESIGN §2:
 * stop accepting clients, stop the shards (each closes its socket, drains its publisher and announces
 * {@code disconnected}), flush those control events, commit the archivers' open segments, close NATS, then the
 * database, and last the embedded nats-server.
 */
public final class Ssmd {

    private static final Logger log = LoggerFactory.getLogger(Ssmd.class);

    private final ActorSystem<?> system;
    private final String natsUrl;
    private final InetSocketAddress httpAddress;
    private final Connection nats;
    private final PrometheusRegistry registry;
    private final Optional<NatsServerProcess> embeddedNats;
    private final Optional<Gateway> gateway;

    private Ssmd(
            ActorSystem<?> system,
            String natsUrl,
            InetSocketAddress httpAddress,
            Connection nats,
            PrometheusRegistry registry,
            Optional<NatsServerProcess> embeddedNats,
            Optional<Gateway> gateway) {
        this.system = system;
        this.natsUrl = natsUrl;
        this.httpAddress = httpAddress;
        this.nats = nats;
        this.registry = registry;
        this.embeddedNats = embeddedNats;
        this.gateway = gateway;
    }

    /** The version the jar was built as ({@code dev} when run from classes): {@link SsmdVersion#current()}. */
    public static String version() {
        return SsmdVersion.current();
    }

    /**
     * Starts a node in {@code system}: NATS (embedded unless a URL is configured), streams, database, HTTP.
     *
     * @throws IllegalStateException naming what failed; whatever had started is stopped again
     */
    public static Ssmd start(ActorSystem<?> system, NodeSettings settings, Environment environment) {
        Instant startedAt = Instant.now();
        SecmasterScheduler.Settings secmasterSchedule =
                SecmasterScheduler.Settings.create(system.settings().config()).in(environment);
        SecmasterSettings secmaster = SecmasterSettings.create(system.settings().config());
        Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("ssmd-blocking-dispatcher"));
        CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
        Deque<AutoCloseable> started = new ArrayDeque<>();
        NodeReadiness readiness = NodeReadiness.get(system);
        try {
            ClusterSettings cluster = ClusterSettings.create(system.settings().config());
            List<String> refusals = cluster.refusals(settings);
            if (!refusals.isEmpty()) {
                throw new IllegalStateException(String.join("\n", refusals));
            }
            ClusterFormation.start(system, cluster);
            addTask(
                    shutdown,
                    CoordinatedShutdown.PhaseBeforeServiceUnbind(),
                    "not-ready",
                    readiness::stopping,
                    blocking);
            readiness.starting("connecting to NATS");
            Optional<NatsServerProcess> embedded = settings.nats().url().isPresent()
                    ? Optional.empty()
                    : Optional.of(startEmbeddedNats(settings.nats().embedded(), started));
            String natsUrl =
                    settings.nats().url().orElseGet(() -> embedded.orElseThrow().url());
            embedded.ifPresent(server -> {
                system.systemActorOf(
                        EmbeddedNatsSupervisor.create(
                                server,
                                settings.nats().embedded().restartBackoffMin(),
                                settings.nats().embedded().restartBackoffMax(),
                                blocking),
                        "embedded-nats",
                        Props.empty());
                addTask(
                        shutdown,
                        CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
                        "stop-embedded-nats",
                        server::stop,
                        blocking);
            });

            // The embedded server has no authorization: credentials are for an external one.
            NatsAuth natsAuth = embedded.isPresent()
                    ? NatsAuth.None.INSTANCE
                    : settings.nats().auth();
            Connection nats = connectNats(natsUrl, natsAuth, settings.nodeName());
            started.push(nats);
            readiness.deadWhen(() -> nats.getStatus() == Connection.Status.CLOSED
                    ? Optional.of("the NATS connection is closed")
                    : Optional.empty());
            // Closed late: the shards announce their disconnects while the sharding region shuts down, before it.
            addTask(
                    shutdown,
                    CoordinatedShutdown.PhaseClusterShutdown(),
                    "close-nats",
                    () -> closeQuietly(nats),
                    blocking);
            checkFrameSizes(environment, NatsConnections.maxPayload(nats), Secrets.redactUrl(natsUrl));
            setUpStreams(nats, environment);

            readiness.starting("opening the database");
            Database db = Database.open(settings.db());
            started.push(db);
            // Pekko Persistence JDBC (assignments, remembered shards) runs on this database and its pool.
            PersistenceDatabase.get(system).use(db);
            db.touchNode(settings.nodeName(), version(), startedAt);
            addTask(
                    shutdown,
                    CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
                    "close-database",
                    db::close,
                    blocking);
            registerMetadata(db, environment, blocking);
            EnvironmentWatch.register(db, environment, settings.nodeName()).ifPresent(running -> {
                Cancellable watch = EnvironmentWatch.start(
                        system,
                        db,
                        environment.name(),
                        running.version(),
                        EnvironmentWatch.Settings.create(system.settings().config()),
                        system.dispatchers().lookup(DispatcherSelector.fromConfig("ssmd-blocking-dispatcher")));
                started.push(watch::cancel);
                addTask(
                        shutdown,
                        CoordinatedShutdown.PhaseServiceUnbind(),
                        "stop-environment-watch",
                        watch::cancel,
                        blocking);
            });

            prepareArchiveRoot(environment);

            PrometheusRegistry registry = new PrometheusRegistry();
            ConnectorMetrics metrics = ConnectorMetrics.create(registry);
            NodeMetrics.register(registry, settings.nodeName(), version(), startedAt, nats);
            startSecmasterRelay(system, db, nats, environment, registry, blocking);
            ControlEventPublisher control =
                    ControlEventPublisher.create(nats, environment.name(), environment.publisher(), metrics);
            started.push(control);
            addTask(
                    shutdown,
                    CoordinatedShutdown.PhaseClusterExiting(),
                    "flush-control-events",
                    () -> flushAndClose(control),
                    blocking);
            readiness.starting("starting the connector side (shard region, feed managers)");
            ConnectorNode connectors = ConnectorNode.start(
                    system,
                    settings.nodeName(),
                    settings.connectors(),
                    environment,
                    nats,
                    metrics,
                    control,
                    outcome -> {},
                    Optional.of(new SecurityMaster(Metadata.of(db))),
                    Optional.of(PersistenceSettings.create(system.settings().config())));
            startSecmasterSyncs(system, secmasterSchedule, secmaster, environment, db, registry, blocking);
            List<String> roles = system.settings().config().getStringList("pekko.cluster.roles");
            readiness.starting("starting the archivers");
            Optional<ArchiveStorage> archiveStorage = roles.contains("archiver")
                    ? Optional.of(Archivers.startInCluster(
                            system,
                            environment,
                            nats,
                            registry,
                            Optional.of(new InventoryWriter.Target(
                                    new DataInventory(Metadata.of(db)),
                                    version(),
                                    InventoryWriter.Settings.create(
                                            system.settings().config()))),
                            ArchiveQualityWiring.forNode(system, environment, db, blocking)))
                    : Optional.empty();
            ApiKeys apiKeys =
                    environment.gateway().apiKeysFile().map(ApiKeys::load).orElseGet(ApiKeys::none);
            Optional<Gateway> gateway =
                    roles.contains("gateway") && environment.gateway().enabled()
                            ? Optional.of(Gateway.start(
                                    system,
                                    nats,
                                    environment,
                                    venue -> Optional.of(Venues.of(venue).normalizer()),
                                    registry,
                                    new SecmasterDirectory(Metadata.of(db), blocking)))
                            : Optional.empty();
            gateway.ifPresent(g -> {
                started.push(g);
                addTask(shutdown, CoordinatedShutdown.PhaseServiceUnbind(), "close-gateway", g::close, blocking);
            });
            List<HealthCheck> checks = new ArrayList<>();
            checks.add(NodeHealthChecks.nats(nats));
            checks.add(NodeHealthChecks.database(db, blocking));
            embedded.ifPresent(server -> checks.add(NodeHealthChecks.embeddedNats(server)));
            gateway.ifPresent(g -> checks.add(NodeHealthChecks.gateway(g)));
            archiveStorage.ifPresent(s -> checks.add(NodeHealthChecks.archiveStorage(s)));
            HealthRoutes health =
                    new HealthRoutes(settings.nodeName(), version(), startedAt, checks, Duration.ofSeconds(3));
            // The daily cycle's teardown reaches this node's gateway through it, wherever the scheduler runs.
            system.systemActorOf(
                    NodeControl.create(environment.name(), settings.nodeName(), gateway),
                    "node-control",
                    Props.empty());
            CycleOps cycle = startDailyCycle(
                    system, settings.nodeName(), environment, db, secmaster, connectors, checks, blocking);
            // A header guard answers 401 to any /v1/ request without an X-API-Key before its route matches the rest
            // of the path, so the gateway's /v1/stream (which also takes the key as ?api_key=, the only way a
            // browser can send one on a WebSocket) must come before the guarded /v1/feeds and /v1/gaps.
            List<Route> routes = new ArrayList<>(
                    List.of(health.route(), new MetricsRoute(registry).route(), new DashboardRoute().route()));
            // /v1/markets answers from the security master on every node; the gateway adds its top of book.
            Route securityMaster = new MarketRoutes(
                            Metadata.of(db),
                            blocking,
                            (feed, instrument) -> gateway.flatMap(g -> g.core().topOfBook(feed, instrument)))
                    .route();
            if (gateway.isPresent()) {
                routes.add(gateway.get().routes(connectors::health, Optional.of(securityMaster)));
            } else {
                routes.add(apiKeys.guard(() -> securityMaster));
            }
            routes.add(apiKeys.guard(() -> new FeedsRoute(connectors.feeds(), connectors::health).route()));
            routes.add(apiKeys.guard(() -> new MetaRoutes(Metadata.of(db), blocking).route()));
            routes.add(new AdminRoutes(cycle, apiKeys).route());
            routes.add(apiKeys.guard(() ->
                    new GapsRoute(ArchiveGaps.forNode(environment, roles.contains("archiver"), blocking)).route()));
            readiness.starting("binding HTTP");
            ServerBinding binding = await(
                    HttpServer.bind(
                                    system,
                                    settings.http(),
                                    Directives.concat(
                                            routes.get(0),
                                            routes.subList(1, routes.size()).toArray(Route[]::new)))
                            .toCompletableFuture(),
                    "HTTP on " + settings.http().iface() + ":" + settings.http().port());
            binding.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
            // Every role has started: ready while NATS is connected and, on a gateway, once its books are rebuilt.
            List<HealthCheck> ready = new ArrayList<>();
            ready.add(NodeHealthChecks.nats(nats));
            gateway.ifPresent(g -> ready.add(NodeHealthChecks.gateway(g)));
            readiness.serving(ready);

            log.info(
                    "ssmd {} node {} started: http {}, nats {} (credentials: {}), environment {} ({} feeds, {} streams)",
                    version(),
                    settings.nodeName(),
                    binding.localAddress(),
                    Secrets.redactUrl(natsUrl),
                    natsAuth.source(),
                    environment.name(),
                    environment.feeds().size(),
                    environment.streams().size());
            return new Ssmd(system, natsUrl, binding.localAddress(), nats, registry, embedded, gateway);
        } catch (RuntimeException | java.sql.SQLException e) {
            while (!started.isEmpty()) {
                closeQuietly(started.pop());
            }
            readiness.failed(e.getMessage());
            throw e instanceof IllegalStateException ise ? ise : new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The URL the node connected to, as configured: it may hold credentials, show it through {@link Secrets}. */
    public String natsUrl() {
        return natsUrl;
    }

    public InetSocketAddress httpAddress() {
        return httpAddress;
    }

    public Connection nats() {
        return nats;
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public Optional<NatsServerProcess> embeddedNats() {
        return embeddedNats;
    }

    /** The gateway, on a node with the gateway role and the gateway enabled. */
    public Optional<Gateway> gateway() {
        return gateway;
    }

    /** Runs the coordinated shutdown and waits for the actor system to end. */
    public void shutdown() {
        CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason());
        system.getWhenTerminated().toCompletableFuture().join();
    }

    private static NatsServerProcess startEmbeddedNats(EmbeddedNats settings, Deque<AutoCloseable> started) {
        NatsServerProcess server = NatsServerProcess.create(
                settings.binary(), settings.dir(), settings.port(), settings.maxPayload(), settings.startTimeout());
        if (server.port() != settings.port()) {
            log.warn(
                    "port {} is taken: the embedded nats-server listens on {} instead", settings.port(), server.port());
        }
        server.start();
        started.push(server);
        log.info("embedded nats-server on {} (store {}, log {})", server.url(), server.storeDir(), server.logFile());
        return server;
    }

    /** Messages name the server and where the credentials came from, never the credentials. */
    private static Connection connectNats(String url, NatsAuth auth, String nodeName) {
        try {
            return NatsConnections.connect(url, auth, "ssmd-" + nodeName);
        } catch (IOException e) {
            // The exception keeps the client's message, which may quote the URL: it is not chained.
            throw new IllegalStateException("cannot connect to NATS at " + Secrets.redactUrl(url) + " ("
                    + Secrets.redactUrl(e.getMessage()) + "; credentials: " + auth.source()
                    + "); check ssmd.nats.url / SSMD_NATS_URL and ssmd.nats.auth, or leave the URL empty for the"
                    + " embedded server");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to NATS at " + Secrets.redactUrl(url), e);
        }
    }

    private static void setUpStreams(Connection nats, Environment environment) {
        try {
            // StreamSetup logs each stream it creates or updates.
            new StreamSetup(nats.jetStreamManagement()).apply(environment.streams(), environment.publishableSubjects());
        } catch (IOException e) {
            throw new IllegalStateException("cannot manage JetStream streams: " + e.getMessage(), e);
        }
    }

    /**
     * The security master's outbox relay, a cluster singleton: every node has the metadata database, and whichever runs
     * the singleton publishes the outbox it shares with the others (PostgreSQL) or its own (H2).
     */
    private static void startSecmasterRelay(
            ActorSystem<?> system,
            Database db,
            Connection nats,
            Environment environment,
            PrometheusRegistry registry,
            Executor blocking) {
        SecmasterRelaySettings settings =
                SecmasterRelaySettings.create(system.settings().config());
        OutboxRelay relay = new OutboxRelay(
                Metadata.of(db).jdbi(), nats, environment.name(), settings, SecmasterRelayMetrics.create(registry));
        SecmasterRelay.init(system, relay, settings, blocking);
    }

    /** The archivers write here; a root that cannot be created should stop the node now, not lose a file later. */
    private static void prepareArchiveRoot(Environment environment) {
        java.util.Set<Path> roots = new java.util.LinkedHashSet<>();
        roots.add(environment.storage().archiveRoot());
        environment.archivers().forEach(archiver -> roots.add(archiver.storage().archiveRoot()));
        for (Path root : roots) {
            try {
                Files.createDirectories(root);
            } catch (IOException e) {
                throw new IllegalStateException(
                        "cannot create the archive root " + root.toAbsolutePath() + " (storage.archive-root in "
                                + environment.file() + "): " + e,
                        e);
            }
            log.info("archive root {}", root.toAbsolutePath().normalize());
        }
    }

    /**
     * Which feeds may send frames larger than the NATS server can take with ssmd's headers (DESIGN §4). Such a feed
     * still runs: its shards publish a frame that large only truncated, on the unparsed subject with its full size.
     * The node says so at startup, once per feed; a stock server's 1 MiB {@code max_payload} is reason to warn, not to
     * refuse to start.
     *
     * @return one line per such feed, as logged
     */
    static List<String> checkFrameSizes(Environment environment, long maxPayload, String natsUrl) {
        List<String> warnings = new ArrayList<>();
        for (EnabledFeed feed : environment.feeds()) {
            long room = maxPayload - PublishHeaders.reserve(Subjects.shard(feed.name(), 999_999));
            if (feed.definition().maxFrameBytes() > room) {
                warnings.add("feed " + feed.name() + ": limits.max-frame-bytes "
                        + feed.definition().maxFrameBytes()
                        + " (" + feed.definition().file() + ") exceeds what the NATS server at " + natsUrl
                        + " takes (max_payload " + maxPayload + ", " + room + " bytes after headers): a larger"
                        + " frame goes to the unparsed subject truncated, with its full size in "
                        + PublishHeaders.FRAME_SIZE + " (ssmd_connector_frames_truncated_total); raise the server's"
                        + " max_payload to keep such frames whole");
            }
        }
        warnings.forEach(log::warn);
        return warnings;
    }

    private static void flushAndClose(ControlEventPublisher control) {
        try {
            if (!control.flush(Duration.ofSeconds(5))) {
                log.warn("{} control events were not acked within 5 s of shutdown", control.pending());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        control.close();
    }

    /**
     * Registers the environment's feed files and the shipped schema catalog, on the blocking dispatcher. A failure is
     * logged, not fatal: the node runs its files either way, as it does when the environment cannot be recorded.
     */
    private static void registerMetadata(Database db, Environment environment, Executor blocking) {
        try {
            CompletableFuture.supplyAsync(() -> MetadataRegistration.register(db, environment), blocking)
                    .get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering feeds and schemas", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            log.warn("feeds and schemas not registered in the database: {}", cause.toString(), cause);
        }
    }

    /**
     * The security master's startup and scheduled syncs (DESIGN §15): one cluster singleton syncs every enabled feed
     * now and then every {@code ssmd.secmaster.sync-every}, unless that is off.
     */
    private static void startSecmasterSyncs(
            ActorSystem<?> system,
            SecmasterScheduler.Settings schedule,
            SecmasterSettings settings,
            Environment environment,
            Database db,
            PrometheusRegistry registry,
            Executor blocking) {
        if (schedule.every().isEmpty()) {
            log.info(
                    "security master: no startup or scheduled syncs ({} or the environment's secmaster.sync-every is"
                            + " off); `ssmd market sync` fills it",
                    SecmasterScheduler.Settings.KEY);
            return;
        }
        SecmasterSyncMetrics metrics = SecmasterSyncMetrics.create(registry);
        SecmasterSync sync = SecmasterSync.create(new SecurityMaster(Metadata.of(db)), settings);
        ClusterSingleton.get(system)
                .init(SingletonActor.of(
                        SecmasterScheduler.create(
                                environment.feeds(), sync, schedule.every().get(), schedule.retry(), metrics, blocking),
                        "secmaster-sync"));
    }

    /**
     * The daily cycle's scheduler (DESIGN §17): a cluster singleton on {@code ssmd.cycle.role} nodes, one per
     * environment, whose progress is in the journal. Every node starts it (or its proxy) so that its admin routes reach
     * it; without a {@code schedule} block it runs only the cycles {@code ssmd ops} asks for.
     */
    private static CycleOps startDailyCycle(
            ActorSystem<?> system,
            String nodeName,
            Environment environment,
            Database db,
            SecmasterSettings secmaster,
            ConnectorNode connectors,
            List<HealthCheck> checks,
            Executor blocking) {
        CycleSettings settings = CycleSettings.create(system.settings().config());
        CycleSteps steps = new CycleSteps(new CycleSteps.Parts(
                system,
                environment,
                SecmasterSync.create(new SecurityMaster(Metadata.of(db)), secmaster),
                connectors::health,
                new DataInventory(Metadata.of(db)),
                List.copyOf(checks),
                blocking,
                settings,
                java.time.Clock.systemUTC()));
        CycleLog log = CycleLog.of(Metadata.of(db));
        org.apache.pekko.actor.typed.ActorRef<DailyCycle.Command> scheduler = ClusterSingleton.get(system)
                .init(SingletonActor.of(
                                DailyCycle.create(
                                        environment.name(),
                                        nodeName,
                                        environment.schedule(),
                                        steps,
                                        new CycleRows(log, environment.name()),
                                        blocking,
                                        settings.stepPause(),
                                        java.time.Clock.systemUTC()),
                                "daily-cycle-" + environment.name())
                        .withSettings(ClusterSingletonSettings.create(system).withRole(settings.role())));
        return new CycleOps(system, scheduler, log, environment.name(), blocking);
    }

    private static void addTask(
            CoordinatedShutdown shutdown, String phase, String name, Runnable task, Executor blocking) {
        shutdown.addTask(
                phase, name, () -> CompletableFuture.runAsync(task, blocking).thenApply(v -> Done.getInstance()));
    }

    private static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " did not complete within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " was interrupted", e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("closing {} failed: {}", closeable.getClass().getSimpleName(), e.toString());
        }
    }
}
