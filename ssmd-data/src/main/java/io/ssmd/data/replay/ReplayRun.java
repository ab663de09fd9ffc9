package io.ssmd.data.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One replay of archived messages into a target (DESIGN §16): reads them in replay order ({@link ReplayMessages}),
 * paces them by their receive times ({@link ReplayPacer}) and hands them to the target on the calling thread. A stop
 * ({@link #stop()}, from Ctrl-C or SIGTERM) ends it after the message in hand; the target is then flushed and the
 * result says it was stopped.
 */
public final class ReplayRun {

    /** How often the progress line is redrawn. */
    private static final long PROGRESS_NANOS = Duration.ofSeconds(1).toNanos();

    private final ReplayPacer pacer;
    private final ReplayClock clock;
    private final Optional<PrintStream> progress;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicLong sent = new AtomicLong();
    private volatile Thread runner;

    /**
     * @param progress where a progress line (messages, msgs/s, replayed time) is redrawn every second: stderr when it
     *                 is a terminal, else empty
     */
    public ReplayRun(ReplayPacer pacer, ReplayClock clock, Optional<PrintStream> progress) {
        this.pacer = pacer;
        this.clock = clock;
        this.progress = progress;
    }

    /** Asks a running replay to stop after the message in hand (any thread; a signal handler). */
    public void stop() {
        stopped.set(true);
        Thread thread = runner;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Messages sent so far. */
    public long sent() {
        return sent.get();
    }

    /**
     * Replays {@code messages} into {@code target} and finishes the target.
     *
     * @throws IOException when the archive cannot be read (the file and line named)
     */
    public ReplayResult run(ReplayMessages messages, ReplayTarget target) throws IOException {
        runner = Thread.currentThread();
        long read = 0;
        long bytes = 0;
        long firstTs = 0;
        long lastTs = 0;
        long startNanos = clock.nanoTime();
        long nextProgress = startNanos + PROGRESS_NANOS;
        boolean interrupted = false;
        try {
            if (!stopped.get()) {
                target.awaitReady();
                startNanos = clock.nanoTime();
            }
            ReplayMessage m;
            while (!stopped.get() && (m = messages.next()) != null) {
                read++;
                if (m.warmUp()) {
                    target.warmUp(m);
                    continue;
                }
                pacer.await(m.message().ts());
                if (target.send(m)) {
                    sent.incrementAndGet();
                    bytes += m.message().frame().length;
                    if (firstTs == 0) {
                        firstTs = m.message().ts();
                    }
                    lastTs = m.message().ts();
                }
                if (progress.isPresent() && (read & 0xff) == 0 && clock.nanoTime() - nextProgress >= 0) {
                    nextProgress = clock.nanoTime() + PROGRESS_NANOS;
                    progress.get().print(progressLine(startNanos, lastTs));
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        // The stop's interrupt may still be pending: clear it so that flushing the target can wait.
        interrupted |= Thread.interrupted();
        String delivery;
        try {
            delivery = target.finish();
        } catch (InterruptedException e) {
            delivery = "interrupted before every message was acknowledged";
        }
        runner = null;
        progress.ifPresent(out -> out.print("\r\033[K"));
        if (interrupted && !stopped.get()) {
            Thread.currentThread().interrupt();
        }
        return new ReplayResult(
                read,
                sent.get(),
                bytes,
                firstTs,
                lastTs,
                Duration.ofNanos(clock.nanoTime() - startNanos),
                stopped.get(),
                delivery);
    }

    private String progressLine(long startNanos, long lastTs) {
        double seconds = (clock.nanoTime() - startNanos) / 1e9;
        return String.format(
                Locale.ROOT,
                "\r\033[Kreplay: %,d messages, %,.0f msgs/s, at %s",
                sent.get(),
                seconds > 0 ? sent.get() / seconds : 0,
                ReplayResult.time(lastTs));
    }
}
