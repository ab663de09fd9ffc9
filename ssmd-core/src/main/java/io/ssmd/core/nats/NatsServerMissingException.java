package io.ssmd.core.nats;

/** No {@code nats-server} binary where ssmd looked: says how to install one or how to use an external server. */
public final class NatsServerMissingException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public NatsServerMissingException(String tried) {
        super((tried == null
                        ? "nats-server was not found on the PATH or in /usr/sbin, /usr/bin, /usr/local/bin"
                        : "nats-server at " + tried + " is not an executable file")
                + ". Install it (Debian: sudo apt-get install nats-server), set ssmd.nats.embedded.binary to its path,"
                + " or point ssmd at an external server with SSMD_NATS_URL=nats://host:4222.");
    }
}
