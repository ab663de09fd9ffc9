package io.ssmd.archive;

import com.typesafe.config.Config;
import io.ssmd.core.nats.OrderedStreamSource;
import java.time.Duration;
import org.apache.pekko.stream.RestartSettings;

/**
 * The archiver's process settings ({@code ssmd.archive} in reference.conf), read once.
 *
 * @param clockSkewLimit how far ahead of the archiver's clock a receive time may be before it is a {@code clock_skew}
 *                       and written into the current window
 * @param minFreeSpace  bytes that must stay free on the archive's filesystem: below it the archiver stops writing
 *                      (as when the disk is full) and waits for space
 * @param ioDispatcher the dispatcher of blocking file and consumer work
 * @param lockWait     how long an archiver that starts waits for another one still writing the stream directory (a
 *                     singleton that moved while the old node commits) before its attempt fails and is retried
 */
public record ArchiverSettings(
        int fetchBatch,
        Duration pollTimeout,
        Duration stallTimeout,
        Duration closeGrace,
        Duration lagInterval,
        Duration storageBackoffMin,
        Duration storageBackoffMax,
        Duration consumerBackoffMin,
        Duration consumerBackoffMax,
        Duration uploadInterval,
        Duration stopTimeout,
        Duration clockSkewLimit,
        long minFreeSpace,
        String ioDispatcher,
        Duration lockWait) {

    /** {@code lock-wait}'s default in reference.conf, for settings built without it. */
    public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(60);

    /** Settings with the default {@code lock-wait}. */
    public ArchiverSettings(
            int fetchBatch,
            Duration pollTimeout,
            Duration stallTimeout,
            Duration closeGrace,
            Duration lagInterval,
            Duration storageBackoffMin,
            Duration storageBackoffMax,
            Duration consumerBackoffMin,
            Duration consumerBackoffMax,
            Duration uploadInterval,
            Duration stopTimeout,
            Duration clockSkewLimit,
            long minFreeSpace,
            String ioDispatcher) {
        this(
                fetchBatch,
                pollTimeout,
                stallTimeout,
                closeGrace,
                lagInterval,
                storageBackoffMin,
                storageBackoffMax,
                consumerBackoffMin,
                consumerBackoffMax,
                uploadInterval,
                stopTimeout,
                clockSkewLimit,
                minFreeSpace,
                ioDispatcher,
                DEFAULT_LOCK_WAIT);
    }

    /** The dispatcher reference.conf defines for blocking archive work. */
    public static final String IO_DISPATCHER = "ssmd-archive-io-dispatcher";

    /** Reads {@code ssmd.archive} from a loaded config (reference.conf supplies every default). */
    public static ArchiverSettings create(Config config) {
        Config c = config.getConfig("ssmd.archive");
        return new ArchiverSettings(
                c.getInt("fetch-batch"),
                c.getDuration("poll-timeout"),
                c.getDuration("stall-timeout"),
                c.getDuration("close-grace"),
                c.getDuration("lag-interval"),
                c.getDuration("storage-backoff-min"),
                c.getDuration("storage-backoff-max"),
                c.getDuration("consumer-backoff-min"),
                c.getDuration("consumer-backoff-max"),
                c.getDuration("upload-interval"),
                c.getDuration("stop-timeout"),
                c.getDuration("clock-skew-limit"),
                c.getBytes("min-free-space"),
                IO_DISPATCHER,
                c.getDuration("lock-wait"));
    }

    /** How the archiver reads its stream: the consumer settings above, polling on the I/O dispatcher. */
    public OrderedStreamSource.Settings consumer() {
        return new OrderedStreamSource.Settings(
                fetchBatch,
                pollTimeout,
                stallTimeout,
                RestartSettings.create(consumerBackoffMin, consumerBackoffMax, 0.2),
                ioDispatcher);
    }
}
