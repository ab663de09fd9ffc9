package io.ssmd.archive;

import io.ssmd.core.meta.QualityIssues;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the quality counts of each committed segment to the database ({@link QualityIssues#add}), on the blocking
 * executor and never in the archive's way: files and database cannot commit together, so a failed write is retried
 * with backoff and, after {@code write-attempts}, given up with an ERROR naming the day and the counts lost.
 */
public final class QualityRecorder implements ArchiveQuality.Sink {

    private static final Logger log = LoggerFactory.getLogger(QualityRecorder.class);

    private final QualityIssues issues;
    private final QualitySettings settings;
    private final Executor blocking;

    public QualityRecorder(QualityIssues issues, QualitySettings settings, Executor blocking) {
        this.issues = issues;
        this.settings = settings;
        this.blocking = blocking;
    }

    @Override
    public void committed(QualityIssues.Day day, List<QualityIssues.Tally> tallies) {
        write(day, List.copyOf(tallies), 1, settings.writeBackoffMin());
    }

    private void write(QualityIssues.Day day, List<QualityIssues.Tally> tallies, int attempt, Duration backoff) {
        CompletableFuture.runAsync(() -> issues.add(day, tallies, Instant.now()), blocking)
                .whenComplete((ok, failure) -> {
                    if (failure == null) {
                        if (attempt > 1) {
                            log.info(
                                    "quality counts of {} {} {} written after {} attempts",
                                    day.feed(),
                                    day.stream(),
                                    day.date(),
                                    attempt);
                        }
                        return;
                    }
                    Throwable cause = failure.getCause() == null ? failure : failure.getCause();
                    if (attempt >= settings.writeAttempts()) {
                        log.error(
                                "quality counts of {} {} {} not written after {} attempts, given up: {} ({})",
                                day.feed(),
                                day.stream(),
                                day.date(),
                                attempt,
                                tallies,
                                cause.toString());
                        return;
                    }
                    (attempt == 1 ? log.atWarn() : log.atDebug())
                            .log(
                                    "writing the quality counts of {} {} {} failed ({}); retried in {}",
                                    day.feed(),
                                    day.stream(),
                                    day.date(),
                                    cause.toString(),
                                    backoff);
                    Duration next = backoff.multipliedBy(2).compareTo(settings.writeBackoffMax()) > 0
                            ? settings.writeBackoffMax()
                            : backoff.multipliedBy(2);
                    CompletableFuture.delayedExecutor(backoff.toMillis(), TimeUnit.MILLISECONDS, blocking)
                            .execute(() -> write(day, tallies, attempt + 1, next));
                });
    }
}
