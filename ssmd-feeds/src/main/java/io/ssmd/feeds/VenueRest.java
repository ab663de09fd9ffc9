package io.ssmd.feeds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.Backoff;
import io.ssmd.core.settings.SecmasterSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * The REST reads of the security master's syncs, with the JDK HttpClient as discovery does: GET JSON, retried on a
 * network error, a 5xx or a 429 up to {@code request-attempts} tries, waiting exponentially from {@code retry-backoff}
 * with jitter or as long as a 429's {@code Retry-After} says when that is longer, and {@code request-spacing}
 * between two requests. Blocking. One per sync run (not thread-safe).
 */
public final class VenueRest {

    /** How the client waits; tests record the waits instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** A request failed every try, or the server answered something unusable. */
    public static final class RestException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RestException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final SecmasterSettings settings;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private boolean first = true;

    public VenueRest(HttpClient http, SecmasterSettings settings, Sleeper sleeper, RandomGenerator random) {
        this.http = http;
        this.settings = settings;
        this.sleeper = sleeper;
        this.random = random;
    }

    /** A client sleeping for real, with its own HttpClient. */
    public static VenueRest create(SecmasterSettings settings) {
        return new VenueRest(
                HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(10))
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build(),
                settings,
                d -> Thread.sleep(d.toMillis()),
                RandomGenerator.getDefault());
    }

    public SecmasterSettings settings() {
        return settings;
    }

    /** Requests retried so far (429s, 5xx, network errors). */
    public long retries() {
        return retries.get();
    }

    /** Requests sent so far, retries included. */
    public long requests() {
        return requests.get();
    }

    /**
     * The JSON body of a 200; empty for a 404 when {@code missingIsEmpty} (a listing the server does not have).
     *
     * @throws RestException on another 4xx, or when every try failed
     */
    public Optional<JsonNode> get(URI uri, boolean missingIsEmpty) throws InterruptedException {
        if (!first && !settings.requestSpacing().isZero()) {
            sleeper.sleep(settings.requestSpacing());
        }
        first = false;
        Exception last = null;
        int attempts = settings.requestAttempts();
        for (int attempt = 1; attempt <= attempts; attempt++) {
            Duration wait = backoff(attempt);
            try {
                requests.incrementAndGet();
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(30))
                                .header("Accept", "application/json")
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status == 200) {
                    return Optional.of(JSON.readTree(response.body()));
                }
                if (status == 404 && missingIsEmpty) {
                    return Optional.empty();
                }
                if (status != 429 && status < 500) {
                    throw new RestException(
                            "GET " + uri + " answered " + status + ": " + abbreviate(response.body()), null);
                }
                last = new IOException("HTTP " + status);
                if (status == 429) {
                    Optional<Duration> after = retryAfter(response);
                    if (after.isPresent() && after.get().compareTo(wait) > 0) {
                        wait = after.get();
                    }
                }
            } catch (IOException e) {
                last = e;
            }
            if (attempt < attempts) {
                retries.incrementAndGet();
                sleeper.sleep(wait);
            }
        }
        throw new RestException("GET " + uri + " failed " + attempts + " times: " + why(last), last);
    }

    /**
     * What went wrong, readable: the first message along the causes, else the exception's name (the JDK's HTTP client
     * reports a refused connection as a {@code ConnectException} without a message).
     */
    static String why(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }

    /** {@code get(uri, false)}, the body of a 200. */
    public JsonNode get(URI uri) throws InterruptedException {
        return get(uri, false).orElseThrow();
    }

    /** {@code Retry-After} in seconds; an HTTP date or garbage falls back to the backoff. */
    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v.trim())));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    private Duration backoff(int attempt) {
        Duration min = settings.retryBackoff();
        if (min.isZero()) {
            return Duration.ZERO;
        }
        return new Backoff(min, min.multipliedBy(1L << 10), 0.2).delay(attempt - 1, random);
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** {@code base} + {@code path}, keeping the base's own path ({@code .../trade-api/v2} + {@code /events}). */
    public static URI resolve(URI base, String pathAndQuery) {
        String b = base.toString();
        return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + pathAndQuery);
    }

    private static String abbreviate(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }
}
