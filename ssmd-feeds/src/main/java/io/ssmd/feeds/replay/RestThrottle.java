package io.ssmd.feeds.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Rate limiting on a replay server's REST endpoints, on demand, as venues rate-limit (Kalshi answers 429 with
 * {@code Retry-After}). {@code POST /control/rest} with {@code {"throttle-every":3,"retry-after":1}} answers every
 * third REST request 429 with {@code Retry-After: 1} (seconds); {@code {"throttle-every":0}} or
 * {@code DELETE /control/rest} stops it; {@code GET /control/rest} shows the state and how many were refused.
 */
final class RestThrottle extends AllDirectives {

    private static final ObjectMapper JSON = new ObjectMapper();

    private volatile int every;
    private volatile int retryAfterSeconds = 1;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    /** The venue's REST route (its own /control routes aside), answering 429 to every {@code every}-th request while throttling is on. */
    Route wrap(Route rest) {
        return extractRequest(request -> {
            int n = every;
            if (n > 0 && !request.getUri().path().startsWith("/control/") && requests.incrementAndGet() % n == 0) {
                refused.incrementAndGet();
                return complete(HttpResponse.create()
                        .withStatus(StatusCodes.TOO_MANY_REQUESTS)
                        .addHeader(RawHeader.create("Retry-After", Integer.toString(retryAfterSeconds)))
                        .withEntity(HttpEntities.create(
                                ContentTypes.APPLICATION_JSON,
                                "{\"error\":{\"code\":\"too_many_requests\",\"message\":\"rate limit exceeded\"}}")));
            }
            return rest;
        });
    }

    Route route() {
        return path(
                "rest",
                () -> concat(
                        get(() -> state()),
                        delete(() -> {
                            every = 0;
                            return state();
                        }),
                        post(() -> entity(
                                org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller.entityToString(), body -> {
                                    try {
                                        JsonNode change = JSON.readTree(body);
                                        for (String key : iterable(change)) {
                                            if (!List.of("throttle-every", "retry-after")
                                                    .contains(key)) {
                                                return bad("unknown key '" + key + "'");
                                            }
                                        }
                                        if (change.has("throttle-every")) {
                                            int e = change.get("throttle-every").asInt(-1);
                                            if (e < 0) {
                                                return bad("throttle-every must be a whole number, 0 = off");
                                            }
                                            every = e;
                                            requests.set(0);
                                        }
                                        if (change.has("retry-after")) {
                                            retryAfterSeconds = Math.max(
                                                    0, change.get("retry-after").asInt(1));
                                        }
                                        return state();
                                    } catch (IOException e) {
                                        return bad("not JSON: " + e.getMessage());
                                    }
                                }))));
    }

    private static Iterable<String> iterable(JsonNode node) {
        return node::fieldNames;
    }

    private Route bad(String message) {
        return complete(
                StatusCodes.BAD_REQUEST,
                HttpEntities.create(
                        ContentTypes.APPLICATION_JSON,
                        JSON.createObjectNode()
                                .put(
                                        "error",
                                        message + "; keys: throttle-every (N: every Nth REST request"
                                                + " answers 429, 0 = off), retry-after (seconds)")
                                .toString()));
    }

    private Route state() {
        ObjectNode node = JSON.createObjectNode()
                .put("throttle-every", every)
                .put("retry-after", retryAfterSeconds)
                .put("refused", refused.get());
        return complete(HttpEntities.create(ContentTypes.APPLICATION_JSON, node.toString()));
    }
}
