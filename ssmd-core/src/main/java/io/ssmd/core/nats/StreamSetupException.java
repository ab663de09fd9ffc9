package io.ssmd.core.nats;

/** The environment's streams cannot be set up; the message names the stream or subject and what to change. */
public final class StreamSetupException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public StreamSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
