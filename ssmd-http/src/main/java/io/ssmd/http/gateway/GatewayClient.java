package io.ssmd.http.gateway;

import java.util.HashSet;
import java.util.Set;

/**
 * A connected {@code /v1/stream} client: its outbox and what it subscribed to. Its subscriptions are read and changed
 * only under the gateway's lock ({@link GatewayCore}); the outbox is thread-safe.
 */
final class GatewayClient {

    private final long id;
    private final boolean raw;
    private final ClientOutbox outbox;
    private final Set<SubscriptionKey> keys = new HashSet<>();
    /** The fan-out pass that last offered to this client, so one event reaches a client once. */
    private long lastPass = -1;

    GatewayClient(long id, boolean raw, ClientOutbox outbox) {
        this.id = id;
        this.raw = raw;
        this.outbox = outbox;
    }

    long id() {
        return id;
    }

    /** Whether the client asked for the venue message with each event ({@code ?raw=true}). */
    boolean raw() {
        return raw;
    }

    ClientOutbox outbox() {
        return outbox;
    }

    Set<SubscriptionKey> keys() {
        return keys;
    }

    /** True the first time it is called for {@code pass}: the caller then offers this pass's event. */
    boolean firstVisit(long pass) {
        if (lastPass == pass) {
            return false;
        }
        lastPass = pass;
        return true;
    }

    @Override
    public String toString() {
        return "client-" + id;
    }
}
