package io.ssmd.core.ws;

import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgradeResponse;
import org.apache.pekko.util.ByteString;

/**
 * The handshake's outcome as Pekko HTTP's type, so a shard treats both clients alike: valid, or refused with the
 * status, the reason (which quotes the start of the body) and that start as the response's entity.
 */
record UpgradeResponse(HttpResponse response, String invalidationReason) implements WebSocketUpgradeResponse {

    static UpgradeResponse accepted() {
        return new UpgradeResponse(HttpResponse.create().withStatus(StatusCodes.SWITCHING_PROTOCOLS), "");
    }

    /** A refusal; {@code status} -1 when the answer was not HTTP at all. */
    static UpgradeResponse refused(int status, String reasonPhrase, String reason, ByteString bodyStart) {
        HttpResponse response = HttpResponse.create().withEntity(bodyStart);
        if (status >= 100 && status <= 999) {
            try {
                response = response.withStatus(status);
            } catch (RuntimeException unregistered) {
                response = response.withStatus(StatusCodes.custom(
                        status, reasonPhrase.isEmpty() ? "Unknown" : reasonPhrase, "", status < 400, true));
            }
        } else {
            response = response.withStatus(StatusCodes.BAD_GATEWAY);
        }
        return new UpgradeResponse(response, reason);
    }

    @Override
    public boolean isValid() {
        return invalidationReason.isEmpty();
    }

    @Override
    public Optional<String> chosenSubprotocol() {
        return Optional.empty();
    }
}
