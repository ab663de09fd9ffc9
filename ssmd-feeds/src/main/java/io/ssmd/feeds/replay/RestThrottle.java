package io.ssmd.feeds.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;

/**
 * Rate limiting on a replay server's REST endpoints, on demand, as venues rate-limit (Kalshi answers 429 with
 * {@code Retry-After}). {@code POST /control/rest} with {@code {"throttle-every":3,"retry-after":1}} answers every
 * third REST request 429 with {@code Retry-After: 1} (seconds); {@code {"throttle-every":0}} or
 * {@code DELETE /control/rest} stops it; {@code GET /control/rest} shows the state and how many were refused.
 *
 * <p>{@code {"fail-markets":["KXBTCD-26AUG2017-T99999.99"]}} answers 500 to every REST request that names one of them
 * (a path segment or one of a query parameter's comma-separated values, such as Kalshi's {@code ?tickers=A,B}), so a
 * test can make one market's lookup fail every try while the others work; {@code []} or the {@code DELETE} lifts it.
 * The state shows how many requests it failed.
 */
final class RestThrottle extends AllDirectives {

    private static final ObjectMapper JSON = new ObjectMapper();

    private volatile int every;
    private volatile int retryAfterSeconds = 1;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile Set<String> failMarkets = Set.of();
    private final AtomicLong failed = new AtomicLong();

    /** The venue's REST route (its own /control routes aside), answering 429 to every {@code every}-th request while throttling is on. */
    Route wrap(Route rest) {
        return extractRequest(request -> {
            if (!failMarkets.isEmpty()
                    && !request.getUri().path().startsWith("/control/")
                    && names(request.getUri(), failMarkets)) {
                failed.incrementAndGet();
                return complete(HttpResponse.create()
                        .withStatus(StatusCodes.INTERNAL_SERVER_ERROR)
                        .withEntity(HttpEntities.create(
                                ContentTypes.APPLICATION_JSON,
                                "{\"error\":{\"code\":\"internal_server_error\",\"message\":\"fault injected\"}}")));
            }
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

    /** Whether the request names one of {@code markets}: a path segment or a comma-separated query value. */
    private static boolean names(Uri uri, Set<String> markets) {
        for (String segment : uri.path().split("/")) {
            if (markets.contains(segment)) {
                return true;
            }
        }
        for (Pair<String, String> parameter : uri.query().toList()) {
            for (String value : parameter.second().split(",")) {
                if (markets.contains(value.trim())) {
                    return true;
                }
            }
        }
        return false;
    }

    Route route() {
        return path(
                "rest",
                () -> concat(
                        get(() -> state()),
                        delete(() -> {
                            every = 0;
                            failMarkets = Set.of();
                            return state();
                        }),
                        post(() -> entity(
                                org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller.entityToString(), body -> {
                                    try {
                                        JsonNode change = JSON.readTree(body);
                                        for (String key : iterable(change)) {
                                            if (!List.of("throttle-every", "retry-after", "fail-markets")
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
                                        if (change.has("fail-markets")) {
                                            JsonNode markets = change.get("fail-markets");
                                            if (!markets.isArray()) {
                                                return bad("fail-markets must be a list of market names");
                                            }
                                            Set<String> named = new LinkedHashSet<>();
                                            markets.forEach(m -> named.add(m.asText()));
                                            failMarkets = Set.copyOf(named);
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
                                                + " answers 429, 0 = off), retry-after (seconds), fail-markets"
                                                + " (names whose REST requests answer 500, [] = none)")
                                .toString()));
    }

    private Route state() {
        ObjectNode node = JSON.createObjectNode()
                .put("throttle-every", every)
                .put("retry-after", retryAfterSeconds)
                .put("refused", refused.get())
                .put("failed", failed.get());
        com.fasterxml.jackson.databind.node.ArrayNode named = node.putArray("fail-markets");
        failMarkets.forEach(named::add);
        return complete(HttpEntities.create(ContentTypes.APPLICATION_JSON, node.toString()));
    }
}
