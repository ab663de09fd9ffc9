package io.ssmd.core.config;

import io.ssmd.core.subject.Subjects;
import io.ssmd.core.subject.Venue;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Reads and checks one {@code exchanges/feeds/{feed}.yaml}. */
final class FeedFileLoader {

    private static final List<String> KEYS = List.of(
            "name", "venue", "endpoints", "channels", "limits", "keepalive", "reconnect", "auth", "book", "liveness");
    private static final List<String> ENDPOINT_KEYS = List.of("websocket", "rest", "discovery");
    private static final List<String> LIMIT_KEYS =
            List.of("max-instruments-per-connection", "max-frame-bytes", "subscribe-rate", "max-connections");
    private static final List<String> KEEPALIVE_KEYS =
            List.of("ping-interval", "silence-timeout", "server-idle-timeout", "data-silence-timeout");
    private static final List<String> RECONNECT_KEYS =
            List.of("min-backoff", "max-backoff", "jitter", "scheduled-interval");
    private static final List<String> LIVENESS_KEYS =
            List.of("quiet-time", "resubscribe-interval", "resubscribes-per-minute");
    private static final List<String> BOOK_KEYS = List.of("depth", "allowed-depths");
    private static final List<String> AUTH_KEYS =
            List.of("type", "key-id-env", "private-key-file-env", "private-key-file");
    private static final String KALSHI_RSA_PSS = "kalshi-rsa-pss";
    private static final List<String> HTTP = List.of("https", "http");

    static final FeedDefinition.Reconnect DEFAULT_RECONNECT =
            new FeedDefinition.Reconnect(Duration.ofSeconds(1), Duration.ofSeconds(60), 0.2);

    private FeedFileLoader() {}

    /**
     * The feed file's definition, or empty when it has any error (each recorded in {@code findings}).
     *
     * @param expectedName the name the environment gives the feed; the file's {@code name} must equal it
     */
    static Optional<FeedDefinition> load(Path file, String expectedName, Findings findings) {
        int mark = findings.mark();
        Optional<ConfigNode> read = YamlFile.read(file, findings);
        if (read.isEmpty()) {
            return Optional.empty();
        }
        ConfigNode root = read.get();
        root.allowOnly(KEYS);
        root.require("name", "the feed name '" + expectedName + "'");
        root.require("venue", "one of: " + Venue.ids());
        root.require("endpoints", "a mapping with websocket and optional rest, discovery URLs");
        root.require("channels", "a list of the venue's channel names");
        root.require("limits", "a mapping with " + String.join(", ", LIMIT_KEYS));
        root.require("keepalive", "a mapping with " + String.join(", ", KEEPALIVE_KEYS));

        String name = root.string("name").orElse(expectedName);
        if (root.has("name") && !name.equals(expectedName)) {
            root.error(
                    "name",
                    "the file says '" + name + "' but the environment names this feed '" + expectedName
                            + "' (and reads it from " + file.getFileName() + "); make them the same");
        } else if (!Subjects.isValidName(name)) {
            root.error("name", "'" + name + "' is not a valid feed name; expected lowercase [a-z0-9][a-z0-9_-]*");
        }
        Venue venue = root.oneOf(
                        "venue", Arrays.stream(Venue.values()).map(Venue::id).toList())
                .flatMap(Venue::byId)
                .orElse(Venue.KRAKEN);
        Optional<FeedDefinition.Endpoints> endpoints = root.mapping("endpoints").flatMap(FeedFileLoader::endpoints);
        List<String> channels = channels(root);
        Optional<FeedDefinition.Limits> limits = root.mapping("limits").flatMap(FeedFileLoader::limits);
        Optional<FeedDefinition.Keepalive> keepalive = root.mapping("keepalive").flatMap(FeedFileLoader::keepalive);
        FeedDefinition.Reconnect reconnect =
                root.mapping("reconnect").map(FeedFileLoader::reconnect).orElse(DEFAULT_RECONNECT);
        FeedAuth auth = auth(root, venue);
        Optional<FeedDefinition.BookDepth> book = root.mapping("book").flatMap(FeedFileLoader::book);
        FeedDefinition.Liveness liveness =
                root.mapping("liveness").map(node -> liveness(node, channels)).orElse(FeedDefinition.Liveness.OFF);

        if (!findings.cleanSince(mark) || endpoints.isEmpty() || limits.isEmpty() || keepalive.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new FeedDefinition(
                file,
                name,
                venue,
                endpoints.get(),
                channels,
                limits.get(),
                keepalive.get(),
                reconnect,
                auth,
                book,
                liveness));
    }

    private static Optional<FeedDefinition.Endpoints> endpoints(ConfigNode node) {
        node.allowOnly(ENDPOINT_KEYS);
        node.require("websocket", "a wss:// URL");
        Optional<URI> websocket = node.url("websocket", List.of("wss", "ws"));
        return websocket.map(
                ws -> new FeedDefinition.Endpoints(ws, node.url("rest", HTTP), node.url("discovery", HTTP)));
    }

    private static List<String> channels(ConfigNode root) {
        Optional<List<ConfigNode.Text>> read = root.texts("channels");
        if (read.isPresent() && read.get().isEmpty()) {
            root.error("channels", "empty list; expected at least one channel name");
        }
        List<ConfigNode.Text> items = read.orElse(List.of());
        List<String> channels = new ArrayList<>();
        for (ConfigNode.Text item : items) {
            if (channels.contains(item.value())) {
                item.node().error("duplicate channel '" + item.value() + "'");
            } else {
                channels.add(item.value());
            }
        }
        return channels;
    }

    private static Optional<FeedDefinition.Limits> limits(ConfigNode node) {
        node.allowOnly(LIMIT_KEYS);
        node.require("max-instruments-per-connection", "a whole number of at least 1");
        node.require(
                "max-frame-bytes", "a size of at most " + Units.formatSize(FeedDefinition.MAX_FRAME_BYTES_CEILING));
        Optional<Integer> instruments = node.integer("max-instruments-per-connection", 1, 1_000_000);
        Optional<Integer> frame = node.size("max-frame-bytes", false).flatMap(bytes -> {
            if (bytes < 1 || bytes > FeedDefinition.MAX_FRAME_BYTES_CEILING) {
                node.error(
                        "max-frame-bytes",
                        "expected more than 0 and at most "
                                + Units.formatSize(FeedDefinition.MAX_FRAME_BYTES_CEILING)
                                + " (the largest max_payload a NATS server accepts), got " + Units.formatSize(bytes));
                return Optional.empty();
            }
            return Optional.of(bytes.intValue());
        });
        OptionalInt rate =
                node.integer("subscribe-rate", 1, 100_000).map(OptionalInt::of).orElse(OptionalInt.empty());
        OptionalInt connections =
                node.integer("max-connections", 1, 100_000).map(OptionalInt::of).orElse(OptionalInt.empty());
        if (instruments.isEmpty() || frame.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new FeedDefinition.Limits(instruments.get(), frame.get(), rate, connections));
    }

    private static Optional<FeedDefinition.Keepalive> keepalive(ConfigNode node) {
        node.allowOnly(KEEPALIVE_KEYS);
        node.require("ping-interval", "a duration, or none when the venue needs no app-level ping");
        node.require("silence-timeout", "a duration: how long without inbound traffic before reconnecting");
        Optional<Duration> ping = node.duration("ping-interval", true);
        Optional<Duration> silence = positive(node, "silence-timeout", node.duration("silence-timeout", false));
        Optional<Duration> serverIdle =
                positive(node, "server-idle-timeout", node.duration("server-idle-timeout", false));
        Optional<Duration> dataSilence =
                positive(node, "data-silence-timeout", node.duration("data-silence-timeout", false));
        Optional<Duration> pingInterval = ping.filter(d -> !d.isZero());
        if (silence.isPresent() && dataSilence.isPresent() && dataSilence.get().compareTo(silence.get()) <= 0) {
            node.error(
                    "data-silence-timeout",
                    "(" + Units.format(dataSilence.get()) + ") must be longer than "
                            + "silence-timeout (" + Units.format(silence.get())
                            + "): it catches a socket that still answers "
                            + "pings, which the silence watchdog cannot");
        }
        if (pingInterval.isPresent()
                && serverIdle.isPresent()
                && pingInterval.get().compareTo(serverIdle.get()) >= 0) {
            node.error(
                    "ping-interval",
                    "must be shorter than server-idle-timeout (" + Units.format(serverIdle.get())
                            + "), or the venue closes the connection between pings");
        }
        if (serverIdle.isPresent() && ping.isPresent() && pingInterval.isEmpty()) {
            node.error(
                    "ping-interval",
                    "is none, but the venue closes clients silent for " + Units.format(serverIdle.get())
                            + " (server-idle-timeout); set an interval below that");
        }
        return silence.flatMap(
                s -> ping.map(p -> new FeedDefinition.Keepalive(pingInterval, s, serverIdle, dataSilence)));
    }

    private static FeedDefinition.Reconnect reconnect(ConfigNode node) {
        node.allowOnly(RECONNECT_KEYS);
        FeedDefinition.Reconnect d = DEFAULT_RECONNECT;
        Duration min = positive(node, "min-backoff", node.duration("min-backoff", false))
                .orElse(d.minBackoff());
        Duration max = positive(node, "max-backoff", node.duration("max-backoff", false))
                .orElse(d.maxBackoff());
        double jitter = node.decimal("jitter", 0.0, 1.0).orElse(d.jitter());
        Optional<Duration> scheduled = positive(node, "scheduled-interval", node.duration("scheduled-interval", false));
        if (scheduled.isPresent() && scheduled.get().compareTo(Duration.ofSeconds(10)) < 0) {
            node.error(
                    "scheduled-interval",
                    Units.format(scheduled.get()) + " is too short: each scheduled "
                            + "reconnect is a short gap in the data; use minutes or hours (at least 10s)");
        }
        if (min.compareTo(max) > 0) {
            node.error(
                    "min-backoff",
                    "(" + Units.format(min) + ") must not exceed max-backoff (" + Units.format(max) + ")");
        }
        return new FeedDefinition.Reconnect(min, max, jitter, scheduled);
    }

    /**
     * {@code liveness}: {@code quiet-time} maps channels of {@code channels} to durations (an unknown channel is an
     * error with the closest one), {@code resubscribe-interval} and {@code resubscribes-per-minute} rate-limit the
     * resubscribes.
     */
    private static FeedDefinition.Liveness liveness(ConfigNode node, List<String> channels) {
        node.allowOnly(LIVENESS_KEYS);
        FeedDefinition.Liveness d = FeedDefinition.Liveness.OFF;
        Map<String, Duration> quiet = new LinkedHashMap<>();
        node.mapping("quiet-time").ifPresent(times -> {
            if (!times.allowOnly(channels)) {
                return;
            }
            for (ConfigNode entry : times.entries()) {
                String channel = entry.key();
                // none: this channel is not watched (a quiet market is normal on it).
                times.duration(channel, true).filter(t -> !t.isZero()).ifPresent(t -> quiet.put(channel, t));
            }
        });
        Duration interval = positive(node, "resubscribe-interval", node.duration("resubscribe-interval", false))
                .orElse(d.resubscribeInterval());
        int perMinute = node.integer("resubscribes-per-minute", 1, 10_000).orElse(d.resubscribesPerMinute());
        return new FeedDefinition.Liveness(quiet, interval, perMinute);
    }

    private static Optional<FeedDefinition.BookDepth> book(ConfigNode node) {
        node.allowOnly(BOOK_KEYS);
        node.require("depth", "the book depth to subscribe, one of allowed-depths");
        node.require("allowed-depths", "the list of depths the venue accepts");
        Optional<Integer> depth = node.integer("depth", 1, 1_000_000);
        List<Integer> allowed = new ArrayList<>();
        for (ConfigNode item : node.list("allowed-depths")) {
            item.asInt(1, 1_000_000).ifPresent(allowed::add);
        }
        if (depth.isPresent() && !allowed.isEmpty() && !allowed.contains(depth.get())) {
            node.error("depth", depth.get() + " is not accepted by the venue; expected one of: " + allowed);
        }
        return depth.map(dep -> new FeedDefinition.BookDepth(dep, allowed));
    }

    private static FeedAuth auth(ConfigNode root, Venue venue) {
        Optional<String> word = root.has("auth") ? root.textIfString("auth") : Optional.of("none");
        if (word.isPresent()) {
            if (!word.get().equals("none")) {
                root.error(
                        "auth",
                        "expected none or a mapping {type: " + KALSHI_RSA_PSS + ", ...}, got '" + word.get() + "'");
            } else if (venue == Venue.KALSHI) {
                root.error(
                        "auth",
                        "Kalshi requires authentication on every channel; expected " + "{type: " + KALSHI_RSA_PSS
                                + ", key-id-env: ..., private-key-file-env: ...}");
            }
            return FeedAuth.None.INSTANCE;
        }
        Optional<ConfigNode> mapping = root.mapping("auth");
        if (mapping.isEmpty()) {
            return FeedAuth.None.INSTANCE;
        }
        ConfigNode node = mapping.get();
        node.allowOnly(AUTH_KEYS);
        node.require("type", KALSHI_RSA_PSS);
        node.oneOf("type", List.of(KALSHI_RSA_PSS));
        if (venue != Venue.KALSHI) {
            node.error("type", KALSHI_RSA_PSS + " is Kalshi's signing scheme, but this feed's venue is " + venue.id());
        }
        node.require("key-id-env", "the name of the environment variable holding the API key id");
        String keyIdEnv = node.variableName("key-id-env").orElse("KALSHI_API_KEY_ID");
        Optional<String> fileEnv = node.variableName("private-key-file-env");
        Optional<Path> file = node.string("private-key-file")
                .map(p -> root.file().toAbsolutePath().getParent().resolve(p).normalize());
        if (node.has("private-key-file-env") == node.has("private-key-file")) {
            node.error("expected exactly one of private-key-file-env (an environment variable naming the PEM file) "
                    + "or private-key-file (its path)");
        }
        return new FeedAuth.KalshiRsaPss(keyIdEnv, fileEnv, file);
    }

    private static Optional<Duration> positive(ConfigNode node, String key, Optional<Duration> value) {
        return value.filter(d -> {
            if (d.isZero()) {
                node.error(key, "must be longer than 0");
                return false;
            }
            return true;
        });
    }
}
