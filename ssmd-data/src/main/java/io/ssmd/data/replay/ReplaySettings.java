package io.ssmd.data.replay;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How {@code ssmd data replay} publishes into NATS, read once from {@code ssmd.data.replay} (reference.conf).
 *
 * @param streamMaxAge            oldest message the replay stream keeps; zero for no limit
 * @param streamMaxBytes          its size limit, -1 for none
 * @param streamDuplicateWindow   how long the server remembers a {@code Nats-Msg-Id}
 * @param publishWindow           publishes awaiting their PubAck at once
 */
public record ReplaySettings(
        Duration streamMaxAge, long streamMaxBytes, Duration streamDuplicateWindow, int publishWindow) {

    public ReplaySettings {
        if (publishWindow < 1) {
            throw new IllegalArgumentException(
                    "ssmd.data.replay.publish-window must be at least 1, got " + publishWindow);
        }
    }

    public static ReplaySettings create(Config config) {
        Config c = config.getConfig("ssmd.data.replay");
        return new ReplaySettings(
                c.getDuration("stream.max-age"),
                c.getBytes("stream.max-bytes") == 0 ? -1 : c.getBytes("stream.max-bytes"),
                c.getDuration("stream.duplicate-window"),
                c.getInt("publish-window"));
    }
}
