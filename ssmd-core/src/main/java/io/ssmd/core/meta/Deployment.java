package io.ssmd.core.meta;

import java.time.Instant;
import java.util.Optional;

/**
 * A row of the deployment log: something done to an environment ({@code create}, {@code apply}, {@code start} of a node,
 * {@code teardown}), its outcome and who or what did it.
 *
 * @param id          0 until recorded
 * @param version     the environment version it concerns, if any
 * @param status      {@code succeeded}, {@code failed}, {@code dry_run} or {@code running}
 * @param trigger     {@code cli} or {@code node}; a daily cycle's rows ({@link CycleLog}) say {@code scheduled} or
 *                    {@code manual}
 * @param triggeredBy the OS user or the node's name
 * @param details     what was done, for people (e.g. the streams deleted)
 */
public record Deployment(
        long id,
        String environment,
        Optional<Integer> version,
        String action,
        String status,
        Instant startedAt,
        Optional<Instant> completedAt,
        Optional<String> errorMessage,
        String trigger,
        String triggeredBy,
        Optional<String> details) {

    /** An entry to record, done now (completed when it started). */
    public static Deployment of(
            String environment,
            Optional<Integer> version,
            String action,
            String status,
            Instant at,
            String trigger,
            String triggeredBy,
            Optional<String> details) {
        return new Deployment(
                0,
                environment,
                version,
                action,
                status,
                at,
                Optional.of(at),
                Optional.empty(),
                trigger,
                triggeredBy,
                details);
    }
}
