package io.ssmd.core.ws;

/**
 * A WebSocket connection that cannot go on: a refused or invalid handshake, a frame that breaks RFC 6455, or a close
 * by the venue with a code other than a normal one. The message says which, for the shard's {@code lastError}.
 */
public final class WebSocketException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public WebSocketException(String message) {
        super(message);
    }
}
