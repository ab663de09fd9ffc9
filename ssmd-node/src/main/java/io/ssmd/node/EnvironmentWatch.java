package io.ssmd.node;

import com.typesafe.config.Config;
import io.ssmd.core.config.Environment;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.CanonicalConfig;
import io.ssmd.core.meta.Deployer;
import io.ssmd.core.meta.Deployment;
import io.ssmd.core.meta.EnvironmentVersion;
import io.ssmd.core.meta.Environments;
import io.ssmd.core.meta.Metadata;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContext;

/**
 * The environment version a node runs (issue 14 item 4). At startup the node registers its environment file: a new
 * {@code environment_version} when the content differs from the latest one, and a {@code start} row in the deployment
 * log either way. While it runs it polls for a newer version (someone ran {@code ssmd env apply}) and logs, once per
 * version, that a restart is needed: streams, shards and archivers are wired from the environment at startup, so
 * nothing of a new version is picked up live.
 */
final class EnvironmentWatch {

    private static final Logger log = LoggerFactory.getLogger(EnvironmentWatch.class);

    /** How often to look for a newer version ({@code ssmd.metadata.environment-poll-interval}). */
    record Settings(Duration pollInterval) {

        static Settings create(Config config) {
            Duration interval = config.getDuration("ssmd.metadata.environment-poll-interval");
            if (interval.isZero() || interval.isNegative()) {
                throw new IllegalArgumentException(
                        "ssmd.metadata.environment-poll-interval must be longer than 0, got " + interval);
            }
            return new Settings(interval);
        }
    }

    private final Environments environments;
    private final String name;
    private final int running;
    private final AtomicInteger announced;

    private EnvironmentWatch(Environments environments, String name, int running) {
        this.environments = environments;
        this.name = name;
        this.running = running;
        this.announced = new AtomicInteger(running);
    }

    /**
     * Records the version this node runs and logs the start. Blocks (JDBC): call it where startup blocks anyway.
     *
     * @return the version the node runs, empty when the file could not be registered (a warning says why; the node
     *     still runs it)
     */
    static Optional<EnvironmentVersion> register(Database db, Environment environment, String nodeName) {
        Environments environments = Environments.of(Metadata.of(db));
        CanonicalConfig config;
        try {
            config = CanonicalConfig.of(environment.file());
        } catch (IllegalArgumentException e) {
            log.warn("environment {} not recorded in the database: {}", environment.name(), e.getMessage());
            return Optional.empty();
        }
        Deployer node = new Deployer(
                nodeName,
                "node",
                environment.file().toAbsolutePath().normalize().toString(),
                Optional.empty());
        Environments.Applied applied = environments.apply(environment.name(), config, node, "apply");
        EnvironmentVersion version = applied.version();
        environments.log(Deployment.of(
                environment.name(),
                Optional.of(version.version()),
                "start",
                "succeeded",
                Instant.now(),
                "node",
                nodeName,
                Optional.of("node " + nodeName + " started on version " + version.version())));
        log.info(
                "environment {} version {} ({}{})",
                environment.name(),
                version.version(),
                applied.changed() ? "recorded now from " : "unchanged, from ",
                environment.file());
        return Optional.of(version);
    }

    /** Polls every {@code settings.pollInterval()} on {@code blocking}; cancel the result to stop. */
    static Cancellable start(
            ActorSystem<?> system,
            Database db,
            String name,
            int running,
            Settings settings,
            ExecutionContext blocking) {
        EnvironmentWatch watch = new EnvironmentWatch(Environments.of(Metadata.of(db)), name, running);
        return system.classicSystem()
                .scheduler()
                .scheduleWithFixedDelay(settings.pollInterval(), settings.pollInterval(), watch::poll, blocking);
    }

    private void poll() {
        try {
            environments.latest(name).ifPresent(latest -> {
                int seen = announced.get();
                if (latest.version() > seen && announced.compareAndSet(seen, latest.version())) {
                    log.warn(
                            "environment {} version {} was applied by {} at {}; this node runs version {}: restart it"
                                    + " to run the new version",
                            name,
                            latest.version(),
                            latest.deployedBy(),
                            latest.deployedAt(),
                            running);
                }
            });
        } catch (RuntimeException e) {
            log.debug("cannot look for a newer version of environment {}: {}", name, e.getMessage());
        }
    }
}
