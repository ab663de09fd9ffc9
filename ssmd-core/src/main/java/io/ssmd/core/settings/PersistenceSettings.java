package io.ssmd.core.settings;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code ssmd.persistence}: the node's state in Pekko Persistence JDBC (docs/architecture.md "State"): the feed
 * managers' assignments and Cluster Sharding's remembered shards.
 *
 * @param snapshotEvery     a feed's assignments are snapshotted every this many events, so a manager that starts reads
 *                          at most that many events after the latest snapshot
 * @param unassignedTimeout a shard entity started without its assignment (remembered for a feed this cluster no
 *                          longer runs) stops for good after this long without one; longer than a feed manager
 *                          takes to start and recover elsewhere
 * @param environment       the environment whose state this is: a feed's assignments are kept per environment, so
 *                          that environments sharing one database (or run one after another on it) never read each
 *                          other's; empty in rigs that run one feed manager alone
 */
public record PersistenceSettings(int snapshotEvery, Duration unassignedTimeout, String environment) {

    /** Not tied to an environment. */
    public PersistenceSettings(int snapshotEvery, Duration unassignedTimeout) {
        this(snapshotEvery, unassignedTimeout, "");
    }

    public PersistenceSettings {
        if (snapshotEvery < 1) {
            throw new IllegalArgumentException(
                    "ssmd.persistence.snapshot-every must be 1 or more, got " + snapshotEvery);
        }
        if (unassignedTimeout.isNegative() || unassignedTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "ssmd.persistence.unassigned-shard-timeout must be above 0, got " + unassignedTimeout);
        }
    }

    /** The same settings for the state of {@code name}. */
    public PersistenceSettings forEnvironment(String name) {
        return new PersistenceSettings(snapshotEvery, unassignedTimeout, name);
    }

    /** reference.conf's values. */
    public static PersistenceSettings defaults() {
        return new PersistenceSettings(100, Duration.ofMinutes(2));
    }

    public static PersistenceSettings create(Config config) {
        return new PersistenceSettings(
                config.getInt("ssmd.persistence.snapshot-every"),
                config.getDuration("ssmd.persistence.unassigned-shard-timeout"));
    }
}
