package io.ssmd.archive;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The archiver's quality checks ({@code ssmd.archive.quality} in reference.conf, docs/inventory.md), read once.
 *
 * @param clockSkewAhead  a venue time further ahead of the receive time than this is a {@code clock_skew}
 * @param clockSkewBehind a venue time further behind the receive time than this is a {@code clock_skew} (re-sent
 *                        snapshots, which are old by nature, are not checked)
 * @param idWindow        how many recent message ids and trade ids are remembered to find duplicates
 * @param writeBackoffMin first wait before a failed write of a segment's counts is retried
 * @param writeBackoffMax longest wait between retries
 * @param writeAttempts   attempts before a segment's counts are given up (logged as an ERROR)
 */
public record QualitySettings(
        Duration clockSkewAhead,
        Duration clockSkewBehind,
        int idWindow,
        Duration writeBackoffMin,
        Duration writeBackoffMax,
        int writeAttempts) {

    /** Reads {@code ssmd.archive.quality} from a loaded config (reference.conf supplies every default). */
    public static QualitySettings create(Config config) {
        Config c = config.getConfig("ssmd.archive.quality");
        return new QualitySettings(
                c.getDuration("clock-skew-ahead"),
                c.getDuration("clock-skew-behind"),
                c.getInt("id-window"),
                c.getDuration("write-backoff-min"),
                c.getDuration("write-backoff-max"),
                c.getInt("write-attempts"));
    }
}
