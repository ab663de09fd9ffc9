package io.ssmd.app;

import com.typesafe.config.ConfigFactory;
import io.nats.client.Connection;
import io.ssmd.archive.ArchiveSelection;
import io.ssmd.archive.Manifest;
import io.ssmd.archive.RemoteArchive;
import io.ssmd.core.config.ArchiverSpec;
import io.ssmd.core.config.ConfigException;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.config.UploadSettings;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.UnknownNameException;
import io.ssmd.core.nats.NatsConnections;
import io.ssmd.core.subject.Subjects;
import io.ssmd.data.replay.GatewayReplayTarget;
import io.ssmd.data.replay.NatsReplayTarget;
import io.ssmd.data.replay.ReplayClock;
import io.ssmd.data.replay.ReplayFilter;
import io.ssmd.data.replay.ReplayMessages;
import io.ssmd.data.replay.ReplayPacer;
import io.ssmd.data.replay.ReplayResult;
import io.ssmd.data.replay.ReplayRun;
import io.ssmd.data.replay.ReplaySettings;
import io.ssmd.data.replay.ReplayTarget;
import io.ssmd.data.replay.VenueReplay;
import io.ssmd.feeds.VenueModule;
import io.ssmd.feeds.Venues;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ssmd data replay}: an archived range sent again (DESIGN §16), into NATS under another environment, to a
 * venue-protocol WebSocket or to a gateway-protocol WebSocket, in stream order, paced by the recorded receive times.
 * See docs/data-out.md.
 */
@Command(
        name = "replay",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = "Replay an archived range into NATS (--nats), to a bot on the venue's WebSocket protocol (--ws)"
                + " or on the gateway's protocol (--gateway), in stream order, paced by the recorded receive times."
                + " See docs/data-out.md.")
final class DataReplayCommand implements Callable<Integer> {

    private static final String NAME = "ssmd data replay";
    /** Exit codes after a stop by signal: 128 + SIGINT (2), 128 + SIGTERM (15). */
    static final int EXIT_SIGINT = 130;

    static final int EXIT_SIGTERM = 143;

    @CommandLine.ParentCommand
    DataCommand parent;

    @CommandLine.Mixin
    MetadataOptions options;

    @Option(names = "--feed", required = true, paramLabel = "F", description = "The feed")
    String feed;

    @Option(names = "--date", required = true, paramLabel = "D", description = "The (first) day, YYYY-MM-DD (UTC)")
    LocalDate date;

    @Option(names = "--to", paramLabel = "D", description = "The last day, inclusive (default: --date)")
    LocalDate to;

    @Option(
            names = "--from-time",
            paramLabel = "HH:MM",
            description = "Start at this receive time (UTC) on the first day; earlier messages only build the"
                    + " gateway's books")
    LocalTime fromTime;

    @Option(
            names = "--to-time",
            paramLabel = "HH:MM",
            description = "Stop before this receive time (UTC) on the last day")
    LocalTime toTime;

    @Option(
            names = "--symbols",
            split = ",",
            paramLabel = "S",
            description = "Only these instruments, as the venue spells them (BTC/USD) or as subject tokens (BTC-USD)")
    List<String> symbols;

    @Option(
            names = "--types",
            split = ",",
            paramLabel = "T",
            description = "Only these types: trade, ticker, orderbook (book: with ssmd.book), system, unparsed,"
                    + " control, ... (the subject's type token)")
    List<String> types;

    @Option(
            names = "--speed",
            defaultValue = "1",
            paramLabel = "N|max",
            converter = SpeedConverter.class,
            description = "Times faster than recorded (10: an hour in six minutes), or max (default: ${DEFAULT-VALUE})")
    double speed;

    @Option(
            names = "--env-from",
            paramLabel = "NAME",
            description = "The environment the feed was archived under, when several archived it")
    String envFrom;

    @Option(
            names = "--venue",
            paramLabel = "VENUE",
            description = "The venue whose protocol --ws speaks and whose normalizer --gateway uses (default: the"
                    + " feed's name)")
    String venue;

    @Option(
            names = "--remote",
            description = "Fetch the range from the bucket (storage.upload of --env-file) into --cache first")
    boolean remote;

    @Option(
            names = "--env-file",
            paramLabel = "FILE",
            description = "With --remote: the environment YAML whose archiver's storage.upload names the bucket")
    Path envFile;

    @Option(
            names = "--cache",
            paramLabel = "DIR",
            defaultValue = "./data/cache",
            description = "With --remote: where bucket files are cached, in the archive's layout (default:"
                    + " ${DEFAULT-VALUE})")
    Path cache;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "Interface of --ws and --gateway (default: ${DEFAULT-VALUE})")
    String host;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Target (one of):%n")
    Target target;

    static final class Target {
        @Option(
                names = "--nats",
                arity = "0..1",
                paramLabel = "URL",
                fallbackValue = "nats://127.0.0.1:4222",
                description = "Republish into NATS at URL (default nats://127.0.0.1:4222) under --env")
        String nats;

        @Option(
                names = "--ws",
                paramLabel = "PORT",
                description = "Serve the venue's WebSocket protocol on PORT (0: a free one) until stopped")
        Integer ws;

        @Option(
                names = "--gateway",
                paramLabel = "PORT",
                description = "Serve the gateway's protocol (/v1/stream) on PORT (0: a free one) until stopped")
        Integer gateway;
    }

    @Option(
            names = "--env",
            paramLabel = "NAME",
            defaultValue = "replay",
            description = "With --nats: the environment the messages are published under (default: ${DEFAULT-VALUE})")
    String targetEnv;

    /** Reads {@code --speed}: a number above 0, or {@code max}. */
    static final class SpeedConverter implements CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            if (value.equalsIgnoreCase("max")) {
                return Double.POSITIVE_INFINITY;
            }
            double parsed;
            try {
                parsed = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is neither a number nor max (e.g. --speed 10, --speed max)");
            }
            if (!(parsed > 0) || Double.isInfinite(parsed)) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' must be more than 0 (1 = as recorded, 10 = ten times faster), or max");
            }
            return parsed;
        }
    }

    @Override
    public Integer call() {
        return run(System.out, System.err);
    }

    int run(PrintStream out, PrintStream err) {
        LocalDate last = to == null ? date : to;
        if (last.isBefore(date)) {
            err.println(NAME + ": --to " + last + " is before --date " + date);
            return 2;
        }
        if (remote && envFile == null) {
            err.println(NAME + ": --remote needs --env-file FILE (the environment whose storage.upload names the"
                    + " bucket)");
            return 2;
        }
        if (target.nats != null && !Subjects.isValidName(targetEnv)) {
            err.println(
                    NAME + ": --env '" + targetEnv + "' is not a valid environment name (letters, digits, - and _)");
            return 2;
        }
        VenueModule module = null;
        if (target.nats == null) {
            try {
                module = Venues.byId(venue != null ? venue : feed);
            } catch (IllegalArgumentException e) {
                err.println(NAME + ": " + e.getMessage() + (venue == null ? " (name it with --venue)" : ""));
                return 2;
            }
        }
        Path root = parent.root;
        ArchiveSelection selection;
        try {
            if (remote) {
                root = mirror(last, err);
            }
            Optional<Database> db = InventoryCommands.open(options, System.getenv(), root, NAME, err);
            try {
                selection = DataRange.select(root, db, Optional.ofNullable(envFrom), feed, date, last, err);
            } finally {
                db.ifPresent(Database::close);
            }
        } catch (UnknownNameException | DataRange.NothingToRead | IOException | ConfigException e) {
            err.println(NAME + ": " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println(NAME + ": " + e.getMessage());
            return 2;
        }
        ReplayFilter filter;
        try {
            filter = filter(selection, last);
        } catch (UnknownNameException e) {
            err.println(NAME + ": " + e.getMessage());
            return 1;
        }
        return replay(root, selection, filter, module, out, err);
    }

    private Path mirror(LocalDate last, PrintStream err) throws IOException {
        Optional<ArchiverSpec> archiver = EnvironmentLoader.load(envFile, System.getenv()).archivers().stream()
                .filter(a -> a.storage().upload().isPresent())
                .findFirst();
        if (archiver.isEmpty()) {
            throw new IllegalArgumentException(
                    "--env-file " + envFile + ": no archiver has storage.upload (the bucket to fetch from)");
        }
        UploadSettings upload = archiver.get().storage().upload().get();
        String env = envFrom != null
                ? envFrom
                : EnvironmentLoader.load(envFile, System.getenv()).name();
        try (RemoteArchive bucket = RemoteArchive.open(upload)) {
            long bytes = bucket.mirror(
                    archiver.get().storage().archiveRoot(), cache, env, feed, date, last, (file, size) -> {});
            err.printf("fetched %,d bytes from s3://%s into %s%n", bytes, upload.bucket(), cache);
        }
        return cache;
    }

    /** The filter of the options, the symbols and types checked against what the selection's manifests hold. */
    ReplayFilter filter(ArchiveSelection selection, LocalDate last) {
        TreeSet<String> tickers = new TreeSet<>();
        TreeSet<String> archivedTypes = new TreeSet<>(Set.of("control", "ssmd.book", ReplayFilter.BOOK));
        for (ArchiveSelection.Day day : selection.days()) {
            Manifest m = day.manifest();
            tickers.addAll(m.tickers());
            archivedTypes.addAll(m.messageTypes());
        }
        Set<String> tokens = Set.of();
        if (symbols != null) {
            for (String symbol : symbols) {
                if (!tickers.contains(Subjects.token(symbol))) {
                    throw new UnknownNameException("symbol", symbol, tickers);
                }
            }
            tokens = ReplayFilter.tokensOf(symbols);
        }
        if (types != null) {
            for (String type : types) {
                if (!archivedTypes.contains(type)) {
                    throw new UnknownNameException("type", type, archivedTypes);
                }
            }
        }
        Optional<Long> from = Optional.ofNullable(fromTime).map(t -> micros(date, t));
        Optional<Long> until = Optional.ofNullable(toTime).map(t -> micros(last, t));
        return new ReplayFilter(
                from, until, tokens, types == null ? Set.of() : Set.copyOf(types), target.gateway != null);
    }

    private static long micros(LocalDate day, LocalTime time) {
        return day.atTime(time).toInstant(ZoneOffset.UTC).toEpochMilli() * 1000;
    }

    private int replay(
            Path root,
            ArchiveSelection selection,
            ReplayFilter filter,
            VenueModule module,
            PrintStream out,
            PrintStream err) {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "ssmd-data-replay");
        Optional<PrintStream> progress = System.console() != null ? Optional.of(err) : Optional.empty();
        ReplayRun run = new ReplayRun(new ReplayPacer(speed, ReplayClock.SYSTEM), ReplayClock.SYSTEM, progress);
        AtomicInteger signal = new AtomicInteger();
        CountDownLatch stopped = new CountDownLatch(1);
        Signals.onStop(number -> {
            signal.compareAndSet(0, number);
            run.stop();
            stopped.countDown();
        });
        try {
            if (target.ws != null) {
                try (VenueReplay server =
                        VenueReplay.start(system, module, root, host, target.ws, selection, filter, speed)) {
                    out.println(module.id() + " replay of " + feed + " " + range(selection) + " on " + server.url());
                    out.println("each client gets the range from its first frame (its subscribe); Ctrl-C stops");
                    out.flush();
                    stopped.await();
                    out.printf(
                            "replay stopped: %,d sessions, %,d frames sent%n", server.sessions(), server.framesSent());
                }
                return exitCode(signal.get());
            }
            ReplayTarget replayTarget;
            Connection nats = null;
            if (target.nats != null) {
                nats = NatsConnections.connect(target.nats, "ssmd-data-replay");
                String runId = UUID.randomUUID().toString().substring(0, 8);
                ReplaySettings settings = ReplaySettings.create(ConfigFactory.load());
                replayTarget = NatsReplayTarget.start(system, nats, targetEnv, feed, runId, settings);
                out.println("replaying " + feed + " " + range(selection) + " into " + target.nats + " under "
                        + targetEnv + " (run " + runId + ")");
            } else {
                Set<String> tokens = new TreeSet<>();
                selection.days().forEach(d -> tokens.addAll(d.manifest().tickers()));
                GatewayReplayTarget gateway =
                        GatewayReplayTarget.start(system, host, target.gateway, feed, module.normalizer(), tokens);
                replayTarget = gateway;
                out.println("gateway replay of " + feed + " " + range(selection) + " on ws://" + host + ":"
                        + gateway.port() + "/v1/stream; starts at the first subscription");
            }
            out.flush();
            ReplayResult result;
            try (ReplayTarget t = replayTarget;
                    ReplayMessages messages = ReplayMessages.open(selection, filter)) {
                result = run.run(messages, t);
                out.println(options.json ? json(result) : result.summary());
                if (target.gateway != null && !result.stopped()) {
                    out.println("the replay is done; the books stay served until Ctrl-C");
                    out.flush();
                    stopped.await();
                }
            } finally {
                if (nats != null) {
                    nats.close();
                }
            }
            return result.stopped() || signal.get() != 0 ? exitCode(signal.get()) : 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return exitCode(signal.get());
        } catch (IOException | RuntimeException e) {
            err.println(NAME + ": " + e.getMessage());
            return 1;
        } finally {
            Signals.clear();
            system.terminate();
        }
    }

    /** The summary for scripts ({@code --json}). */
    static String json(ReplayResult r) {
        java.util.Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("stopped", r.stopped());
        fields.put("sent", r.sent());
        fields.put("read", r.read());
        fields.put("bytes", r.bytes());
        fields.put("seconds", r.elapsed().toNanos() / 1e9);
        fields.put("msgsPerSecond", r.rate());
        fields.put("firstTs", r.firstTs());
        fields.put("lastTs", r.lastTs());
        fields.put("delivery", r.delivery());
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(fields);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int exitCode(int signal) {
        return signal == 0 ? 0 : 128 + signal;
    }

    private static String range(ArchiveSelection selection) {
        List<ArchiveSelection.Day> days = selection.days();
        LocalDate first = days.stream()
                .map(ArchiveSelection.Day::date)
                .min(LocalDate::compareTo)
                .orElseThrow();
        LocalDate lastDay = days.stream()
                .map(ArchiveSelection.Day::date)
                .max(LocalDate::compareTo)
                .orElseThrow();
        return (first.equals(lastDay) ? "on " + first : "from " + first + " to " + lastDay) + " (environment "
                + selection.env() + ", " + String.format("%,d", selection.records()) + " records)";
    }
}
