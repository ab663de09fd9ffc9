package io.ssmd.node;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code ssmd.cycle}: how the daily cycle's scheduler runs (docs/configuration.md); when it runs and in which mode is
 * the environment's {@code schedule} block.
 *
 * @param role         the cluster role whose nodes may hold the scheduler (a cluster singleton)
 * @param renewTimeout how long the renew step waits for one shard's {@code Renewed}
 * @param flushTimeout how long the teardown's {@code flush-archiver} step waits for the archivers to reach every
 *                     stream's last seq
 * @param stepPause    a pause before each step runs, after its {@code deployment_log} row is written: 0 in production;
 *                     tests set it to find a cycle in the middle of a step
 */
record CycleSettings(String role, Duration renewTimeout, Duration flushTimeout, Duration stepPause) {

    CycleSettings {
        if (role.isBlank()) {
            throw new IllegalArgumentException("ssmd.cycle.role must name a cluster role (connector)");
        }
        if (renewTimeout.isNegative() || renewTimeout.isZero()) {
            throw new IllegalArgumentException("ssmd.cycle.renew-timeout must be above 0, got " + renewTimeout);
        }
        if (flushTimeout.isNegative() || flushTimeout.isZero()) {
            throw new IllegalArgumentException("ssmd.cycle.flush-timeout must be above 0, got " + flushTimeout);
        }
        if (stepPause.isNegative()) {
            throw new IllegalArgumentException("ssmd.cycle.step-pause must be 0 or more, got " + stepPause);
        }
    }

    static CycleSettings create(Config config) {
        return new CycleSettings(
                config.getString("ssmd.cycle.role"),
                config.getDuration("ssmd.cycle.renew-timeout"),
                config.getDuration("ssmd.cycle.flush-timeout"),
                config.getDuration("ssmd.cycle.step-pause"));
    }
}
