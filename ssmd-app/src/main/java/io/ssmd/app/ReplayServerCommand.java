package io.ssmd.app;

import io.ssmd.core.config.Units;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.VenueServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ssmd replay-server}: one venue on localhost, synthetic or recorded, with faults on demand. */
@Command(
        name = "replay-server",
        sortOptions = false,
        description = "Serve a venue's WebSocket and REST protocol on localhost from synthetic or recorded data,"
                + " with faults on demand (flags below, or POST /control/faults while it runs). See"
                + " docs/replay-server.md.")
final class ReplayServerCommand implements Callable<Integer> {

    @Option(
            names = "--venue",
            required = true,
            paramLabel = "VENUE",
            description = "kraken | kraken-futures | kalshi | polymarket")
    String venue;

    @Option(names = "--port", defaultValue = "0", description = "Port (default: a free one, printed)")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface (default: ${DEFAULT-VALUE})")
    String host;

    @Option(
            names = "--file",
            paramLabel = "JSONL",
            description = "Replay this recording (venue frames, or an ssmd"
                    + " archive file .jsonl/.jsonl.gz) instead of a synthetic market")
    Path file;

    @Option(
            names = "--speed",
            defaultValue = "1",
            description = "Recording pacing factor; 0 = as fast as the client" + " reads (default: ${DEFAULT-VALUE})")
    double speed;

    @Option(names = "--loop", description = "Start the recording over when it ends")
    boolean loop;

    @Option(
            names = "--rate",
            defaultValue = "100",
            description = "Data frames per second per session; 0 = as fast"
                    + " as the client reads (default: ${DEFAULT-VALUE})")
    int rate;

    @Option(
            names = "--instruments",
            split = ",",
            paramLabel = "ID",
            description = "The synthetic universe" + " (default: the venue's defaults)")
    List<String> instruments;

    @Option(
            names = "--instrument-count",
            paramLabel = "N",
            description = "A synthetic universe of N venue-shaped" + " instruments")
    Integer instrumentCount;

    @Option(names = "--seed", defaultValue = "1", description = "Synthetic data is deterministic for a seed")
    long seed;

    @Option(
            names = "--max-connections",
            paramLabel = "N",
            description = "Accept at most N connections at once, refusing one more with 429 as a venue with a"
                    + " connection limit does (the feed file's limits.max-connections); default: no limit")
    Integer maxConnections;

    @Option(
            names = "--client-idle-timeout",
            paramLabel = "DURATION",
            description = "Close clients silent this long"
                    + " where the venue does (Kraken Futures, Polymarket); default: the venue's")
    String clientIdleTimeout;

    @Option(
            names = "--kalshi-public-key",
            paramLabel = "PEM",
            description = "Kalshi: check handshake signatures" + " against this public key")
    Path kalshiPublicKey;

    @Option(
            names = "--max-clock-skew",
            defaultValue = "10s",
            paramLabel = "DURATION",
            description = "Kalshi: how stale a handshake timestamp may be (default: ${DEFAULT-VALUE})")
    String maxClockSkew;

    @Option(
            names = "--drop-after-frames",
            paramLabel = "N",
            description = "Fault: drop each session after N data frames")
    Integer dropAfterFrames;

    @Option(
            names = "--drop-after",
            paramLabel = "DURATION",
            description = "Fault: drop each session this long after it opened")
    String dropAfter;

    @Option(
            names = "--stall-after",
            paramLabel = "DURATION",
            description = "Fault: each session goes silent (socket" + " open) this long after it opened")
    String stallAfter;

    @Option(
            names = "--skip-seq-every",
            paramLabel = "N",
            description = "Fault: skip a sequence number every N data frames")
    Integer skipSeqEvery;

    @Option(
            names = "--bad-checksum-every",
            paramLabel = "N",
            description = "Fault: a wrong book checksum every N data frames")
    Integer badChecksumEvery;

    @Option(
            names = "--malformed-every",
            paramLabel = "N",
            description = "Fault: a frame of broken JSON every N data frames")
    Integer malformedEvery;

    @Option(
            names = "--oversized-every",
            paramLabel = "N",
            description = "Fault: an oversized frame every N data frames")
    Integer oversizedEvery;

    @Option(names = "--oversized-bytes", paramLabel = "SIZE", description = "Size of an oversized frame (default 9MiB)")
    String oversizedBytes;

    @Option(
            names = "--reject",
            split = ",",
            paramLabel = "ID",
            description = "Fault: refuse subscriptions to these" + " instruments (* for all)")
    List<String> reject;

    @Option(names = "--ignore-pings", description = "Fault: do not answer app-level pings")
    boolean ignorePings;

    @Override
    public Integer call() {
        ReplaySettings settings;
        Faults faults;
        try {
            settings = settings();
            faults = faults();
            if (file != null && !Files.isReadable(file)) {
                throw new IllegalArgumentException("--file " + file + ": no such readable file");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("ssmd replay-server: " + e.getMessage());
            return 2;
        }
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "ssmd-replay");
        try {
            VenueServer server = Venues.byId(settings.venue()).replayServer(settings);
            ServerBinding binding = ReplayServer.create(system, server, settings, faults)
                    .bind()
                    .toCompletableFuture()
                    .join();
            binding.addToCoordinatedShutdown(Duration.ofSeconds(3), system);
            printUrls(System.out, server, host, binding.localAddress().getPort());
        } catch (RuntimeException e) {
            System.err.println("ssmd replay-server: " + e.getMessage());
            system.terminate();
            return 1;
        }
        system.getWhenTerminated().toCompletableFuture().join();
        return 0;
    }

    static void printUrls(java.io.PrintStream out, VenueServer server, String host, int port) {
        out.println(server.venue() + " replay server");
        out.println("  websocket  ws://" + host + ":" + port + server.websocketPath());
        out.println("  rest       http://" + host + ":" + port + "/");
        out.println("  control    http://" + host + ":" + port + "/control/faults  (GET, POST, DELETE),"
                + " /control/disconnect, /control/sessions");
    }

    private ReplaySettings settings() {
        List<String> universe = instrumentCount != null
                ? Venues.byId(venue).syntheticInstruments(instrumentCount)
                : instruments != null ? instruments : List.of();
        ReplaySettings settings = new ReplaySettings(
                venue,
                host,
                port,
                Optional.ofNullable(file),
                speed,
                rate,
                universe,
                seed,
                loop,
                Optional.ofNullable(clientIdleTimeout).map(t -> duration("--client-idle-timeout", t)),
                Optional.ofNullable(kalshiPublicKey),
                duration("--max-clock-skew", maxClockSkew),
                maxConnections == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(maxConnections));
        // An unknown venue is refused here, naming the venues, before anything starts.
        Venues.byId(venue).defaultInstruments();
        return settings;
    }

    private Faults faults() {
        Faults faults = new Faults();
        Optional.ofNullable(dropAfterFrames).ifPresent(faults::dropAfterFrames);
        Optional.ofNullable(dropAfter).ifPresent(d -> faults.dropAfter(duration("--drop-after", d)));
        Optional.ofNullable(stallAfter).ifPresent(d -> faults.stallAfter(duration("--stall-after", d)));
        Optional.ofNullable(skipSeqEvery).ifPresent(faults.skipSeq()::every);
        Optional.ofNullable(badChecksumEvery).ifPresent(faults.badChecksum()::every);
        Optional.ofNullable(malformedEvery).ifPresent(faults.malformed()::every);
        Optional.ofNullable(oversizedEvery).ifPresent(faults.oversized()::every);
        Optional.ofNullable(oversizedBytes)
                .ifPresent(s -> faults.oversizedBytes(Math.toIntExact(size("--oversized-bytes", s))));
        Optional.ofNullable(reject).ifPresent(faults::reject);
        faults.ignorePings(ignorePings);
        return faults;
    }

    private static Duration duration(String option, String text) {
        try {
            return Units.parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
    }

    private static long size(String option, String text) {
        try {
            return Units.parseSize(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
    }
}
