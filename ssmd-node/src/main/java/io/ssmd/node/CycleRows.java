package io.ssmd.node;

import io.ssmd.core.meta.CycleLog;
import java.time.Instant;
import java.util.Optional;

/** The daily cycle's rows in {@code deployment_log}, through {@link CycleLog}. */
final class CycleRows implements DailyCycle.Log {

    private final CycleLog log;
    private final String environment;

    CycleRows(CycleLog log, String environment) {
        this.log = log;
        this.environment = environment;
    }

    @Override
    public void cycleBegun(DailyCycle.CycleStarted started) {
        log.begin(
                environment,
                started.cycleId(),
                "cycle-" + started.mode(),
                started.at(),
                started.trigger(),
                started.by(),
                Optional.of(String.join(", ", started.steps())));
    }

    @Override
    public void stepBegun(DailyCycle.CycleStarted cycle, DailyCycle.StepStarted step, String stepName) {
        log.begin(
                environment,
                cycle.cycleId(),
                stepName,
                step.at(),
                cycle.trigger(),
                cycle.by(),
                Optional.of((step.resumed() ? "resumed on " : "on ") + step.node()));
    }

    @Override
    public void stepEnded(String cycleId, String stepName, DailyCycle.StepEnded ended) {
        log.finish(
                cycleId,
                stepName,
                ended.ok() ? CycleLog.SUCCEEDED : CycleLog.FAILED,
                ended.at(),
                ended.ok() ? Optional.empty() : Optional.ofNullable(ended.detail()),
                ended.ok() ? Optional.ofNullable(ended.detail()) : Optional.empty());
    }

    @Override
    public void cycleEnded(String cycleId, String mode, DailyCycle.CycleEnded ended) {
        log.finish(
                cycleId,
                "cycle-" + mode,
                ended.ok() ? CycleLog.SUCCEEDED : CycleLog.FAILED,
                ended.at(),
                ended.ok() ? Optional.empty() : Optional.of("a step failed"),
                Optional.empty());
    }

    @Override
    public int interrupted(String cycleId, String stepName, Instant at, String why) {
        return log.interrupt(cycleId, stepName, at, why);
    }
}
