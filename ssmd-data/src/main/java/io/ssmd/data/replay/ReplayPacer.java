package io.ssmd.data.replay;

/**
 * Paces a replay by the recorded receive times (DESIGN §16): a message is due at the first message's start time plus
 * its receive-time offset from the first message divided by the speed, so that at {@code --speed 10} an hour of
 * archive takes six minutes. The schedule is anchored once, so a late message does not push the ones after it back.
 * At full speed nothing waits.
 */
public final class ReplayPacer {

    private final double speed;
    private final ReplayClock clock;
    private long anchorNanos;
    private long anchorMicros;
    private boolean anchored;

    /**
     * @param speed how many times faster than recorded; {@link Double#POSITIVE_INFINITY} for as fast as the target
     *              takes them
     */
    public ReplayPacer(double speed, ReplayClock clock) {
        if (!(speed > 0)) {
            throw new IllegalArgumentException("speed must be more than 0 (or max), got " + speed);
        }
        this.speed = speed;
        this.clock = clock;
    }

    /** Whether the replay runs as fast as the target takes it. */
    public boolean max() {
        return Double.isInfinite(speed);
    }

    /**
     * The clock time ({@link ReplayClock#nanoTime()}) a message received at {@code tsMicros} is due; the first call
     * anchors the schedule at the clock's now.
     */
    public long due(long tsMicros) {
        if (!anchored) {
            anchored = true;
            anchorNanos = clock.nanoTime();
            anchorMicros = tsMicros;
        }
        if (max()) {
            return anchorNanos;
        }
        return anchorNanos + (long) ((tsMicros - anchorMicros) * 1000.0 / speed);
    }

    /**
     * Waits until the message received at {@code tsMicros} is due.
     *
     * @throws InterruptedException when the replay is stopped meanwhile
     */
    public void await(long tsMicros) throws InterruptedException {
        long due = due(tsMicros);
        if (!max() && due - clock.nanoTime() > 0) {
            clock.waitUntil(due);
        }
    }
}
