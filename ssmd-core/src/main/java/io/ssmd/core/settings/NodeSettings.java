package io.ssmd.core.settings;

import com.typesafe.config.Config;
import io.ssmd.core.nats.FailureRangeLimits;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The process-level settings of a node, read once from {@code application.conf} (section {@code ssmd}).
 *
 * @param environmentFile the environment YAML this node runs
 */
public record NodeSettings(
        String nodeName,
        Path dataDir,
        Path environmentFile,
        NatsSettings nats,
        DatabaseSettings db,
        HttpSettings http,
        ConnectorSettings connectors) {

    /**
     * @param fillRatio        share of a venue's per-connection capacity a shard is filled to
     * @param healthInterval   how often shards report health
     * @param aliveInterval    how often a streaming shard publishes its {@code alive} control event
     * @param reassignInterval how often feed managers re-send assignments
     * @param rediscoverInterval how often feed managers of discovery-driven feeds look for instruments again
     * @param backpressureGapAfter a shard whose publish window stays full this long records a {@code backpressure} gap
     * @param bookSnapshotInterval how often a shard publishes ssmd book snapshots of the books it checks (DESIGN §7),
     *                             zero for none
     * @param failureRanges    when a range of failed publishes is closed and announced as one {@code publish_failed}
     * @param instrumentsFromSecmaster feeds that list no instruments take them from the security master and its change
     *                         events rather than from discovery ({@code ssmd.connectors.instruments-from-secmaster})
     * @param subscribeRetry   how feed managers retry a market a shard or the venue refused
     *                         ({@code ssmd.connectors.subscribe-retry})
     * @param renew            how a shard renews its connection in place ({@code ssmd.connectors.renew}, DESIGN §17)
     * @param publishBudget    messages in flight shared by every shard's publisher of the node, on top of each one's
     *                         window ({@code ssmd.connectors.publish-budget}); 0 for no node-wide bound
     */
    public record ConnectorSettings(
            double fillRatio,
            Duration healthInterval,
            Duration aliveInterval,
            Duration reassignInterval,
            Duration rediscoverInterval,
            Duration backpressureGapAfter,
            Duration bookSnapshotInterval,
            FailureRangeLimits failureRanges,
            boolean instrumentsFromSecmaster,
            io.ssmd.core.shard.SubscribeRetry subscribeRetry,
            io.ssmd.core.shard.RenewSettings renew,
            int publishBudget) {

        /** As below, with the default publish budget ({@link io.ssmd.core.nats.PublishBudget#DEFAULT_MESSAGES}). */
        public ConnectorSettings(
                double fillRatio,
                Duration healthInterval,
                Duration aliveInterval,
                Duration reassignInterval,
                Duration rediscoverInterval,
                Duration backpressureGapAfter,
                Duration bookSnapshotInterval,
                FailureRangeLimits failureRanges,
                boolean instrumentsFromSecmaster,
                io.ssmd.core.shard.SubscribeRetry subscribeRetry,
                io.ssmd.core.shard.RenewSettings renew) {
            this(
                    fillRatio,
                    healthInterval,
                    aliveInterval,
                    reassignInterval,
                    rediscoverInterval,
                    backpressureGapAfter,
                    bookSnapshotInterval,
                    failureRanges,
                    instrumentsFromSecmaster,
                    subscribeRetry,
                    renew,
                    io.ssmd.core.nats.PublishBudget.DEFAULT_MESSAGES);
        }

        /** The same settings with the node's publish budget {@code messages} (0: none). */
        public ConnectorSettings withPublishBudget(int messages) {
            return new ConnectorSettings(
                    fillRatio,
                    healthInterval,
                    aliveInterval,
                    reassignInterval,
                    rediscoverInterval,
                    backpressureGapAfter,
                    bookSnapshotInterval,
                    failureRanges,
                    instrumentsFromSecmaster,
                    subscribeRetry,
                    renew,
                    messages);
        }

        /** As below, connections renewed with {@link io.ssmd.core.shard.RenewSettings#defaults()}. */
        public ConnectorSettings(
                double fillRatio,
                Duration healthInterval,
                Duration aliveInterval,
                Duration reassignInterval,
                Duration rediscoverInterval,
                Duration backpressureGapAfter,
                Duration bookSnapshotInterval,
                FailureRangeLimits failureRanges,
                boolean instrumentsFromSecmaster,
                io.ssmd.core.shard.SubscribeRetry subscribeRetry) {
            this(
                    fillRatio,
                    healthInterval,
                    aliveInterval,
                    reassignInterval,
                    rediscoverInterval,
                    backpressureGapAfter,
                    bookSnapshotInterval,
                    failureRanges,
                    instrumentsFromSecmaster,
                    subscribeRetry,
                    io.ssmd.core.shard.RenewSettings.defaults());
        }

        /** As below, refused markets retried with the defaults. */
        public ConnectorSettings(
                double fillRatio,
                Duration healthInterval,
                Duration aliveInterval,
                Duration reassignInterval,
                Duration rediscoverInterval,
                Duration backpressureGapAfter,
                Duration bookSnapshotInterval,
                FailureRangeLimits failureRanges,
                boolean instrumentsFromSecmaster) {
            this(
                    fillRatio,
                    healthInterval,
                    aliveInterval,
                    reassignInterval,
                    rediscoverInterval,
                    backpressureGapAfter,
                    bookSnapshotInterval,
                    failureRanges,
                    instrumentsFromSecmaster,
                    io.ssmd.core.shard.SubscribeRetry.defaults());
        }

        /** Settings whose feeds without instruments run discovery. */
        public ConnectorSettings(
                double fillRatio,
                Duration healthInterval,
                Duration aliveInterval,
                Duration reassignInterval,
                Duration rediscoverInterval,
                Duration backpressureGapAfter,
                Duration bookSnapshotInterval,
                FailureRangeLimits failureRanges) {
            this(
                    fillRatio,
                    healthInterval,
                    aliveInterval,
                    reassignInterval,
                    rediscoverInterval,
                    backpressureGapAfter,
                    bookSnapshotInterval,
                    failureRanges,
                    false);
        }

        /** What every shard of the node runs with ({@link io.ssmd.core.shard.ShardHost#start}). */
        public io.ssmd.core.shard.ShardSettings shards() {
            return new io.ssmd.core.shard.ShardSettings(
                    healthInterval,
                    aliveInterval,
                    backpressureGapAfter,
                    bookSnapshotInterval,
                    failureRanges,
                    renew,
                    publishBudget);
        }

        /**
         * The longest alive interval: readers of the archive take a shard silent for {@code 3 × 20 s} as gone (an
         * open gap), so a longer interval would show live shards as gone.
         */
        public static final Duration MAX_ALIVE_INTERVAL = Duration.ofSeconds(20);

        /** reference.conf's values: feeds that list no instruments take them from the security master. */
        public static ConnectorSettings defaults() {
            return new ConnectorSettings(
                    0.8,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(10),
                    Duration.ofMinutes(5),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(30),
                    FailureRangeLimits.defaults(),
                    true);
        }
    }

    /**
     * @param url  an external server, or empty for the embedded child process; may hold credentials, so it is shown
     *             only through {@link io.ssmd.core.Secrets#redactUrl}
     * @param auth how to authenticate to the external server without a secret in the URL
     */
    public record NatsSettings(Optional<String> url, Duration connectTimeout, EmbeddedNats embedded, NatsAuth auth) {

        /** Settings without credentials (the embedded server, or a URL that carries its own). */
        public NatsSettings(Optional<String> url, Duration connectTimeout, EmbeddedNats embedded) {
            this(url, connectTimeout, embedded, NatsAuth.None.INSTANCE);
        }

        @Override
        public String toString() {
            return "NatsSettings[url=" + url.map(io.ssmd.core.Secrets::redactUrl) + ", connectTimeout=" + connectTimeout
                    + ", embedded=" + embedded + ", auth=" + auth + "]";
        }
    }

    public record EmbeddedNats(
            Optional<Path> binary,
            int port,
            Path dir,
            int maxPayload,
            Duration startTimeout,
            Duration restartBackoffMin,
            Duration restartBackoffMax) {}

    /**
     * @param password from the environment variable named in {@code password-env}, never from a file of config
     */
    public record DatabaseSettings(
            String url, String user, Optional<String> password, int poolSize, Duration connectTimeout) {

        /** Whether this is the embedded default (H2) rather than an external database. */
        public boolean embedded() {
            return url.startsWith("jdbc:h2:");
        }

        @Override
        public String toString() {
            return "DatabaseSettings[url=" + io.ssmd.core.Secrets.redactUrl(url) + ", user=" + user + ", password="
                    + (password.isPresent() ? "***" : "none") + ", poolSize=" + poolSize + "]";
        }
    }

    public record HttpSettings(String iface, int port) {}

    /**
     * Reads {@code ssmd.*} from a resolved config; environment variables come in for the DB password and the NATS
     * credentials.
     */
    public static NodeSettings create(Config config, java.util.Map<String, String> env) {
        Config c = config.getConfig("ssmd");
        Path dataDir = Path.of(c.getString("data-dir")).toAbsolutePath().normalize();
        Config nats = c.getConfig("nats");
        Config embedded = nats.getConfig("embedded");
        String natsDir = embedded.getString("dir");
        EmbeddedNats embeddedNats = new EmbeddedNats(
                nonEmpty(embedded.getString("binary")).map(Path::of),
                embedded.getInt("port"),
                natsDir.isEmpty()
                        ? dataDir.resolve("nats")
                        : Path.of(natsDir).toAbsolutePath().normalize(),
                Math.toIntExact(embedded.getBytes("max-payload")),
                embedded.getDuration("start-timeout"),
                embedded.getDuration("restart-backoff-min"),
                embedded.getDuration("restart-backoff-max"));
        Config db = c.getConfig("db");
        String dbUrl = db.getString("url");
        if (dbUrl.isEmpty()) {
            // AUTO_SERVER: the first process to open the file serves it on a loopback port (recorded in the lock
            // file), so the CLI's metadata commands work while a node holds the embedded database.
            dbUrl = "jdbc:h2:file:" + dataDir.resolve("db").resolve("ssmd") + ";MODE=PostgreSQL;AUTO_SERVER=TRUE";
        }
        String passwordEnv = db.getString("password-env");
        return new NodeSettings(
                nonEmpty(c.getString("node-name")).orElseGet(NodeSettings::hostName),
                dataDir,
                Path.of(c.getString("environment-file")),
                new NatsSettings(
                        nonEmpty(nats.getString("url")),
                        nats.getDuration("connect-timeout"),
                        embeddedNats,
                        NatsAuthReader.read(nats.getConfig("auth"), env)),
                new DatabaseSettings(
                        dbUrl,
                        db.getString("user"),
                        passwordEnv.isEmpty() ? Optional.empty() : Optional.ofNullable(env.get(passwordEnv)),
                        db.getInt("pool-size"),
                        db.getDuration("connect-timeout")),
                new HttpSettings(c.getString("http.interface"), c.getInt("http.port")),
                new ConnectorSettings(
                        fillRatio(c.getDouble("connectors.fill-ratio")),
                        c.getDuration("connectors.health-interval"),
                        aliveInterval(c.getDuration("connectors.alive-interval")),
                        c.getDuration("connectors.reassign-interval"),
                        c.getDuration("connectors.rediscover-interval"),
                        positive(
                                "ssmd.connectors.backpressure-gap-after",
                                c.getDuration("connectors.backpressure-gap-after")),
                        notNegative(
                                "ssmd.connectors.book-snapshot-interval",
                                c.getDuration("connectors.book-snapshot-interval")),
                        failureRanges(c.getConfig("connectors.publish-failed")),
                        c.getBoolean("connectors.instruments-from-secmaster"),
                        subscribeRetry(c.getConfig("connectors.subscribe-retry")),
                        renew(c.getConfig("connectors.renew")),
                        atLeast("ssmd.connectors.publish-budget", c.getInt("connectors.publish-budget"), 0)));
    }

    private static io.ssmd.core.shard.SubscribeRetry subscribeRetry(Config c) {
        try {
            return new io.ssmd.core.shard.SubscribeRetry(
                    c.getDuration("min-backoff"),
                    c.getDuration("max-backoff"),
                    c.getInt("retries"),
                    positive("ssmd.connectors.subscribe-retry.confirm-after", c.getDuration("confirm-after")));
        } catch (IllegalArgumentException e) {
            throw new com.typesafe.config.ConfigException.BadValue("ssmd.connectors.subscribe-retry", e.getMessage());
        }
    }

    private static io.ssmd.core.shard.RenewSettings renew(Config c) {
        String prefix = "ssmd.connectors.renew.";
        return new io.ssmd.core.shard.RenewSettings(
                positive(prefix + "timeout", c.getDuration("timeout")),
                atLeast(prefix + "max-held", c.getInt("max-held"), 1));
    }

    private static FailureRangeLimits failureRanges(Config c) {
        String prefix = "ssmd.connectors.publish-failed.";
        return new FailureRangeLimits(
                positive(prefix + "max-age", c.getDuration("max-age")),
                atLeast(prefix + "max-messages", c.getInt("max-messages"), 1),
                atLeast(prefix + "max-instruments", c.getInt("max-instruments"), 0));
    }

    private static int atLeast(String key, int value, int min) {
        if (value < min) {
            throw new com.typesafe.config.ConfigException.BadValue(
                    key, "expected a whole number of at least " + min + ", got " + value);
        }
        return value;
    }

    private static Duration positive(String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new com.typesafe.config.ConfigException.BadValue(key, "expected a duration above 0, got " + value);
        }
        return value;
    }

    private static Duration notNegative(String key, Duration value) {
        if (value.isNegative()) {
            throw new com.typesafe.config.ConfigException.BadValue(
                    key, "expected a duration of 0 (none) or more, got " + value);
        }
        return value;
    }

    private static Duration aliveInterval(Duration interval) {
        if (interval.isNegative()
                || interval.isZero()
                || interval.compareTo(ConnectorSettings.MAX_ALIVE_INTERVAL) > 0) {
            throw new com.typesafe.config.ConfigException.BadValue(
                    "ssmd.connectors.alive-interval",
                    "expected a duration above 0 and at most " + ConnectorSettings.MAX_ALIVE_INTERVAL.toSeconds()
                            + "s (a shard silent for three of them is shown as gone), got " + interval);
        }
        return interval;
    }

    private static double fillRatio(double ratio) {
        if (ratio <= 0 || ratio > 1) {
            throw new com.typesafe.config.ConfigException.BadValue(
                    "ssmd.connectors.fill-ratio", "expected a share of capacity above 0 and at most 1, got " + ratio);
        }
        return ratio;
    }

    /** The same settings running a different environment file ({@code ssmd run --env FILE}). */
    public NodeSettings withEnvironmentFile(Path file) {
        return new NodeSettings(nodeName, dataDir, file, nats, db, http, connectors);
    }

    private static Optional<String> nonEmpty(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
