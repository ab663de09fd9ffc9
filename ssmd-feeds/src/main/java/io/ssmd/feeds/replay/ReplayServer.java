package io.ssmd.feeds.replay;

import static org.apache.pekko.http.javadsl.server.PathMatchers.separateOnSlashes;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.http.javadsl.settings.WebSocketSettings;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A venue on localhost: its WebSocket and REST endpoints, fed by synthetic or recorded data, with faults on demand
 * through {@link Faults} and the {@code /control} endpoints (see docs/replay-server.md).
 */
public final class ReplayServer extends AllDirectives {

    private static final Logger log = LoggerFactory.getLogger(ReplayServer.class);

    /** Often enough for Kraken's once-a-second heartbeat and for idle-client deadlines to be kept closely. */
    static final Duration TICK = Duration.ofMillis(100);

    private final ActorSystem<?> system;
    private final VenueServer venue;
    private final ReplaySettings settings;
    private final Faults faults;
    private final List<RecordedFrame> recording;
    /** An archive replay's frames, read anew for each session; empty for the other modes. */
    private final java.util.Optional<java.util.function.Supplier<Source<RecordedFrame, NotUsed>>> archive;

    private final AtomicLong sessions = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong refusedConnections = new AtomicLong();
    private final Materializer materializer;
    private volatile Consumer<String> sent = frame -> {};
    private final RestThrottle restThrottle = new RestThrottle();

    private ReplayServer(
            ActorSystem<?> system,
            VenueServer venue,
            ReplaySettings settings,
            Faults faults,
            java.util.Optional<java.util.function.Supplier<Source<RecordedFrame, NotUsed>>> archive) {
        this.system = system;
        this.venue = venue;
        this.settings = settings;
        this.faults = faults;
        this.archive = archive;
        // An archive is read per session as it goes, never loaded whole.
        this.recording = archive.isPresent()
                ? List.of()
                : settings.recording().map(RecordedFrames::read).orElse(List.of());
        this.materializer = Materializer.matFromSystem(system);
    }

    /** A server, not yet bound; {@link #bind()} starts it. */
    public static ReplayServer create(
            ActorSystem<?> system, VenueServer venue, ReplaySettings settings, Faults faults) {
        return new ReplayServer(system, venue, settings, faults, java.util.Optional.empty());
    }

    /**
     * A server fed from an archive ({@code ssmd data replay --ws}, DESIGN §16): each session gets the frames
     * {@code frames} supplies, read anew for it and paced by {@code settings.speed()}, starting when the client sends
     * its first frame (its subscribe), so that a bot which connects, then subscribes, misses nothing even at full speed.
     * The frames must be the venue's own: ssmd's control events and book snapshots are the caller's to leave out.
     * {@code settings.recording()} names the archive (sessions behave as in recorded mode); it is not read.
     *
     * @throws IllegalArgumentException when {@code settings} has no recording
     */
    public static ReplayServer fromArchive(
            ActorSystem<?> system,
            VenueServer venue,
            ReplaySettings settings,
            Faults faults,
            java.util.function.Supplier<Source<RecordedFrame, NotUsed>> frames) {
        if (settings.synthetic()) {
            throw new IllegalArgumentException(
                    "an archive replay runs in recorded mode: name the archive as recording");
        }
        return new ReplayServer(system, venue, settings, faults, java.util.Optional.of(frames));
    }

    /** Binds the WebSocket, REST and control routes on the configured host and port. */
    public CompletionStage<ServerBinding> bind() {
        ServerSettings serverSettings = ServerSettings.create(system.classicSystem());
        WebSocketSettings ws = serverSettings.getWebsocketSettings();
        ws = venue.websocketPingInterval().map(ws::withPeriodicKeepAliveMaxIdle).orElse(ws);
        // The venue's own rules close idle clients; Pekko's 60 s idle-timeout must not do it first.
        serverSettings = serverSettings
                .withWebsocketSettings(ws)
                .withTimeouts(serverSettings.getTimeouts().withIdleTimeout(scala.concurrent.duration.Duration.Inf()));
        return Http.get(system)
                .newServerAt(settings.host(), settings.port())
                .withSettings(serverSettings)
                .bind(route())
                .thenApply(binding -> {
                    log.info(
                            "{} replay server on {} ({}): ws://{}:{}{}",
                            venue.venue(),
                            binding.localAddress(),
                            archive.isPresent()
                                    ? "archive " + settings.recording().get()
                                    : settings.synthetic()
                                            ? "synthetic"
                                            : "recording "
                                                    + settings.recording().get(),
                            settings.host(),
                            binding.localAddress().getPort(),
                            venue.websocketPath());
                    return binding;
                });
    }

    public Faults faults() {
        return faults;
    }

    /** Sessions open now. */
    public int openSessions() {
        return open.get();
    }

    /** Hears every text frame any session sends, as it goes out: tests count what the venue sent. */
    public void onSent(Consumer<String> listener) {
        this.sent = listener;
    }

    /** Sessions opened since start. */
    public long totalSessions() {
        return sessions.get();
    }

    Route route() {
        String path =
                venue.websocketPath().startsWith("/") ? venue.websocketPath().substring(1) : venue.websocketPath();
        return concat(
                path(
                        separateOnSlashes(path),
                        () -> extractRequest(request -> venue.authenticate(request)
                                .map(this::complete)
                                .orElseGet(() ->
                                        tooManyConnections().orElseGet(() -> handleWebSocketMessages(sessionFlow()))))),
                pathPrefix("control", () -> concat(new FaultControlRoutes(this).route(), restThrottle.route())),
                restThrottle.wrap(venue.rest()));
    }

    /**
     * The venue's connection limit reached: the handshake is refused with 429 and why. A session counts from its
     * handshake's answer, so two handshakes racing for the last place may both pass; a client keeping to the limit
     * never sees that.
     */
    private Optional<Route> tooManyConnections() {
        if (settings.maxConnections().isEmpty()
                || open.get() < settings.maxConnections().getAsInt()) {
            return Optional.empty();
        }
        refusedConnections.incrementAndGet();
        return Optional.of(complete(
                StatusCodes.TOO_MANY_REQUESTS,
                "too many connections: " + venue.venue() + " accepts "
                        + settings.maxConnections().getAsInt() + " at once from one client"));
    }

    /** Handshakes refused because the connection limit was reached. */
    public long refusedConnections() {
        return refusedConnections.get();
    }

    private Flow<Message, Message, NotUsed> sessionFlow() {
        long id = sessions.incrementAndGet();
        SessionContext context = new SessionContext(id, settings, faults, TICK);
        VenueSession session = venue.newSession(context);
        java.util.concurrent.CompletableFuture<NotUsed> firstClientFrame =
                new java.util.concurrent.CompletableFuture<>();
        Source<ReplaySession.Event, NotUsed> data = archive.isPresent()
                ? Source.completionStage(firstClientFrame)
                        .flatMapConcat(
                                started -> RecordedFrames.paced(archive.get().get(), settings.speed(), settings.rate()))
                        .map(ReplaySession.Recorded::new)
                : settings.synthetic()
                        ? pump()
                        : RecordedFrames.paced(recording, settings.speed(), settings.rate(), settings.loop())
                                .map(ReplaySession.Recorded::new);
        return Flow.<Message>create()
                .map(message -> {
                    firstClientFrame.complete(NotUsed.getInstance());
                    return message;
                })
                .via(ReplaySession.flow(session, context, data, materializer))
                .map(message -> {
                    if (message.isText() && message.asTextMessage().isStrict()) {
                        sent.accept(message.asTextMessage().getStrictText());
                    }
                    return message;
                })
                .watchTermination((notUsed, done) -> {
                    open.incrementAndGet();
                    done.whenComplete((ok, failure) -> open.decrementAndGet());
                    return NotUsed.getInstance();
                });
    }

    private Source<ReplaySession.Event, NotUsed> pump() {
        Source<ReplaySession.Event, NotUsed> pumps = Source.repeat(ReplaySession.Pump.INSTANCE);
        if (settings.rate() == 0) {
            return pumps;
        }
        EvenPace pace = new EvenPace(settings.rate());
        return pumps.mapAsync(1, pace::when);
    }
}
