package io.ssmd.data.replay;

/**
 * Where a {@link ReplayRun} sends the archive: NATS ({@link NatsReplayTarget}) or the gateway's protocol
 * ({@link GatewayReplayTarget}). Calls come from the run's one thread, in replay order.
 */
public interface ReplayTarget extends AutoCloseable {

    /**
     * Returns when the target is ready for the first message (a gateway target waits for a client's subscription, so
     * a replay at full speed does not run before anyone listens).
     *
     * @throws InterruptedException when the replay is stopped meanwhile
     */
    default void awaitReady() throws InterruptedException {}

    /**
     * Sends one message, waiting while the target is full (backpressure).
     *
     * @return whether it was sent; false when this target does not take messages of its kind
     * @throws InterruptedException when the replay is stopped meanwhile
     */
    boolean send(ReplayMessage message) throws InterruptedException;

    /** A message before the window: builds state (books), reaches no client. Ignored by targets without state. */
    default void warmUp(ReplayMessage message) {}

    /**
     * Waits until everything sent has been delivered (for NATS: acked) and says how it went, one line for the
     * summary.
     *
     * @throws InterruptedException when stopped meanwhile
     */
    String finish() throws InterruptedException;

    @Override
    void close();
}
