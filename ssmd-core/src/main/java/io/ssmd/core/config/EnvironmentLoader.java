package io.ssmd.core.config;

import io.ssmd.core.nats.PublisherSettings;
import io.ssmd.core.nats.StreamSpec;
import io.ssmd.core.subject.Subjects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Loads {@code exchanges/environments/{env}.yaml} and the feed files it names, and validates all of it before
 * anything starts (DESIGN §3). Every problem is collected, each naming its file, key path and what is expected.
 *
 * <p>Environment variables are passed in rather than read, so tests supply their own; production passes
 * {@link System#getenv()}. Only credentials are read from them, and their values never appear in a message.
 */
public final class EnvironmentLoader {

    private static final List<String> KEYS = List.of(
            "name",
            "feeds-dir",
            "feeds",
            "transport",
            "streams",
            "storage",
            "archivers",
            "gateway",
            "secmaster",
            "schedule");
    private static final List<String> SCHEDULE_KEYS = List.of("time", "timezone", "mode");
    private static final java.util.regex.Pattern TIME_OF_DAY =
            java.util.regex.Pattern.compile("([01][0-9]|2[0-3]):([0-5][0-9])");
    private static final List<String> SECMASTER_KEYS = List.of("sync-every");
    private static final List<String> TRANSPORT_KEYS = List.of("publish", "control-queue");
    private static final List<String> PUBLISH_KEYS = List.of("window", "max-attempts", "retry-backoff", "ack-timeout");
    private static final List<String> GATEWAY_KEYS = List.of(
            "enabled",
            "api-keys-file",
            "client-queue-size",
            "max-lag",
            "recent-trades",
            "max-clients",
            "max-subscriptions-per-client",
            "close-grace");
    private static final java.util.regex.Pattern SHA256_HEX = java.util.regex.Pattern.compile("[0-9a-fA-F]{64}");
    private static final String DEFAULT_FEEDS_DIR = "../feeds";

    private EnvironmentLoader() {}

    /**
     * The validated environment.
     *
     * @throws ConfigException listing every problem when anything is invalid
     */
    public static Environment load(Path envFile, Map<String, String> env) {
        ValidationReport report = validate(envFile, env);
        if (!report.ok()) {
            throw new ConfigException(report.errors());
        }
        return report.environment().orElseThrow();
    }

    /** Checks the environment and reports what passed, what failed and, when nothing failed, the environment. */
    public static ValidationReport validate(Path envFile, Map<String, String> env) {
        Findings findings = new Findings();
        Optional<ConfigNode> read = YamlFile.read(envFile, findings);
        if (read.isEmpty()) {
            return new ValidationReport(findings.passed(), findings.errors(), Optional.empty());
        }
        findings.passed("environment file parsed: " + envFile);
        ConfigNode root = read.get();
        root.allowOnly(KEYS);
        root.require("name", "the environment name, lowercase [a-z0-9][a-z0-9_-]*");
        root.require("feeds", "a mapping of feed names to their settings");
        String name = root.string("name").orElse("env");
        if (root.has("name") && !Subjects.isValidName(name)) {
            root.error(
                    "name",
                    "'" + name + "' is not a valid environment name; expected lowercase [a-z0-9][a-z0-9_-]*"
                            + " (it is the first token of every subject)");
        }
        Optional<Path> feedsDir = feedsDir(root, envFile);
        Optional<ConfigNode> feedsNode = root.mapping("feeds");
        List<EnabledFeed> feeds = feedsNode
                .map(node -> FeedSelectionReader.read(node, feedsDir, env, findings))
                .orElse(List.of());
        Set<String> namedFeeds = new LinkedHashSet<>();
        feedsNode.ifPresent(node -> node.entries().forEach(e -> namedFeeds.add(e.key())));

        PublisherSettings publisher = transport(root, findings);
        List<StreamSpec> streams = StreamLayoutReader.read(root, name, feeds, publisher, findings);
        StorageSettings storage = StorageReader.read(root, env, findings);
        List<ArchiverSpec> archivers = ArchiverReader.read(root, name, streams, namedFeeds, storage, findings);
        GatewaySpec gateway = gateway(root, envFile, findings);
        Optional<ConfigNode> secmaster = root.mapping("secmaster");
        secmaster.ifPresent(m -> m.allowOnly(SECMASTER_KEYS));
        Optional<java.time.Duration> syncEvery = secmaster.flatMap(m -> m.duration("sync-every", true));
        Optional<ScheduleSpec> schedule = root.mapping("schedule").flatMap(s -> schedule(s, findings));

        Optional<Environment> environment = findings.hasErrors()
                ? Optional.empty()
                : Optional.of(new Environment(
                        envFile, name, feeds, publisher, streams, storage, archivers, gateway, syncEvery, schedule));
        return new ValidationReport(findings.passed(), findings.errors(), environment);
    }

    private static Path baseDir(Path envFile) {
        Path parent = envFile.getParent();
        return parent == null ? Path.of("") : parent;
    }

    private static Optional<Path> feedsDir(ConfigNode root, Path envFile) {
        Optional<String> configured = root.string("feeds-dir");
        if (root.has("feeds-dir") && configured.isEmpty()) {
            return Optional.empty();
        }
        Path dir =
                baseDir(envFile).resolve(configured.orElse(DEFAULT_FEEDS_DIR)).normalize();
        if (!Files.isDirectory(dir)) {
            String origin = root.has("feeds-dir")
                    ? ""
                    : " (the default, " + DEFAULT_FEEDS_DIR
                            + " relative to the environment file; set feeds-dir to change it)";
            root.error("feeds-dir", "directory " + dir + " not found" + origin);
            return Optional.empty();
        }
        return Optional.of(dir);
    }

    private static PublisherSettings transport(ConfigNode root, Findings findings) {
        int mark = findings.mark();
        PublisherSettings d = PublisherSettings.defaults();
        Optional<ConfigNode> transport = root.mapping("transport");
        transport.ifPresent(t -> t.allowOnly(TRANSPORT_KEYS));
        Optional<ConfigNode> publish = transport.flatMap(t -> t.mapping("publish"));
        publish.ifPresent(p -> p.allowOnly(PUBLISH_KEYS));
        int window = publish.flatMap(p -> p.integer("window", 1, 1_000_000)).orElse(d.window());
        int attempts = publish.flatMap(p -> p.integer("max-attempts", 1, 100)).orElse(d.maxAttempts());
        Duration backoff =
                publish.flatMap(p -> p.duration("retry-backoff", false)).orElse(d.retryBackoff());
        Duration ackTimeout =
                publish.flatMap(p -> p.duration("ack-timeout", false)).orElse(d.ackTimeout());
        if (ackTimeout.isZero()) {
            publish.ifPresent(p -> p.error("ack-timeout", "must be longer than 0"));
        }
        int controlQueue = transport
                .flatMap(t -> t.integer("control-queue", 1, 10_000_000))
                .orElse(d.controlQueueCapacity());
        PublisherSettings settings = new PublisherSettings(window, attempts, backoff, ackTimeout, controlQueue);
        if (findings.cleanSince(mark)) {
            findings.passed("transport: publish window " + window + ", " + attempts + " attempts, ack timeout "
                    + Units.format(ackTimeout) + ", retry backoff " + Units.format(backoff) + ", control queue "
                    + controlQueue);
        }
        return settings;
    }

    /** The {@code schedule} block: {@code time} (HH:MM, required), {@code timezone} (UTC), {@code mode} (rolling). */
    private static Optional<ScheduleSpec> schedule(ConfigNode node, Findings findings) {
        int mark = findings.mark();
        if (!node.allowOnly(SCHEDULE_KEYS)) {
            return Optional.empty();
        }
        node.require("time", "the local time of the daily cycle, HH:MM in quotes (\"00:00\")");
        Optional<java.time.LocalTime> time = node.string("time").flatMap(t -> {
            java.util.regex.Matcher m = TIME_OF_DAY.matcher(t);
            if (!m.matches()) {
                node.error("time", "expected a time of day HH:MM from 00:00 to 23:59, got '" + t + "'");
                return Optional.empty();
            }
            return Optional.of(java.time.LocalTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
        });
        java.time.ZoneId zone = node.string("timezone")
                .flatMap(z -> {
                    try {
                        return Optional.of(java.time.ZoneId.of(z));
                    } catch (java.time.DateTimeException e) {
                        String suggestion = ClosestKey.to(z, java.time.ZoneId.getAvailableZoneIds())
                                .map(k -> " (did you mean '" + k + "'?)")
                                .orElse("");
                        node.error(
                                "timezone",
                                "unknown time zone '" + z + "'" + suggestion
                                        + "; expected an IANA name such as UTC or America/New_York");
                        return Optional.empty();
                    }
                })
                .orElse(java.time.ZoneOffset.UTC);
        String mode = node.oneOf("mode", ScheduleSpec.MODES).orElse(ScheduleSpec.ROLLING);
        if (!findings.cleanSince(mark) || time.isEmpty()) {
            return Optional.empty();
        }
        ScheduleSpec schedule = new ScheduleSpec(time.get(), zone, mode);
        findings.passed("schedule: daily " + mode + " cycle at " + time.get() + " " + zone.getId());
        return Optional.of(schedule);
    }

    private static GatewaySpec gateway(ConfigNode root, Path envFile, Findings findings) {
        int mark = findings.mark();
        Optional<ConfigNode> gateway = root.mapping("gateway");
        gateway.ifPresent(g -> g.allowOnly(GATEWAY_KEYS));
        boolean enabled = gateway.flatMap(g -> g.bool("enabled")).orElse(true);
        Optional<Path> keys = gateway.flatMap(g -> g.string("api-keys-file"))
                .map(f -> baseDir(envFile).resolve(f).normalize());
        keys.filter(f -> !Files.isRegularFile(f))
                .ifPresent(f -> gateway.orElseThrow()
                        .error(
                                "api-keys-file",
                                "file " + f
                                        + " not found (paths are relative to the environment file); create it with one SHA-256"
                                        + " hash per line, or remove the key to run without API keys"));
        keys.filter(Files::isRegularFile).ifPresent(f -> checkKeyHashes(f, gateway.orElseThrow()));
        int queueSize = gateway.flatMap(g -> g.integer("client-queue-size", 10, 10_000_000))
                .orElse(GatewaySpec.DEFAULT_CLIENT_QUEUE_SIZE);
        Duration maxLag = gateway.flatMap(g -> g.duration("max-lag", false)).orElse(GatewaySpec.DEFAULT_MAX_LAG);
        if (maxLag.isZero()) {
            gateway.orElseThrow()
                    .error(
                            "max-lag",
                            "must be longer than zero; a client is closed once it has been" + " behind this long");
        }
        Duration closeGrace =
                gateway.flatMap(g -> g.duration("close-grace", false)).orElse(GatewaySpec.DEFAULT_CLOSE_GRACE);
        if (closeGrace.isZero()) {
            gateway.orElseThrow()
                    .error(
                            "close-grace",
                            "must be longer than zero; a closing client gets this long to read its closing message");
        }
        int recentTrades =
                gateway.flatMap(g -> g.integer("recent-trades", 1, 100_000)).orElse(GatewaySpec.DEFAULT_RECENT_TRADES);
        int maxClients =
                gateway.flatMap(g -> g.integer("max-clients", 1, 100_000)).orElse(GatewaySpec.DEFAULT_MAX_CLIENTS);
        int maxSubscriptions = gateway.flatMap(g -> g.integer("max-subscriptions-per-client", 1, 100_000))
                .orElse(GatewaySpec.DEFAULT_MAX_SUBSCRIPTIONS);
        if (findings.cleanSince(mark)) {
            findings.passed("gateway: " + (enabled ? "enabled" : "disabled")
                    + keys.map(f -> ", API keys from " + f).orElse(", no API keys required")
                    + ", client queue " + queueSize + ", max lag " + maxLag.toSeconds() + " s, at most " + maxClients
                    + " clients of " + maxSubscriptions + " subscriptions each");
        }
        return new GatewaySpec(
                enabled, keys, queueSize, maxLag, recentTrades, maxClients, maxSubscriptions, closeGrace);
    }

    /** The API keys file holds hashes only: a line that is not one is probably a key pasted in the clear. */
    private static void checkKeyHashes(Path file, ConfigNode gateway) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (java.io.IOException e) {
            gateway.error("api-keys-file", "cannot read " + file + ": " + e.getMessage());
            return;
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int comment = line.indexOf('#');
            String value = (comment >= 0 ? line.substring(0, comment) : line).strip();
            if (!value.isEmpty() && !SHA256_HEX.matcher(value).matches()) {
                gateway.error(
                        "api-keys-file",
                        "line " + (i + 1) + " of " + file + " is not a SHA-256 hash (64 hex"
                                + " digits); store `ssmd gateway hash-key` output there, never the key itself");
            }
        }
    }
}
