package io.ssmd.feeds.kalshi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.Backoff;
import io.ssmd.core.subject.Subjects;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * Finds the Kalshi markets an environment carries through the REST API (PROTOCOLS.md §1.12): open events with their
 * markets nested ({@code GET /events?status=open&with_nested_markets=true}), each market taking its event's
 * category; when the server has no {@code /events} (404, as ssmd's replay server), open markets from
 * {@code GET /markets?status=open} with the category each market carries.
 *
 * <p>Pages follow Kalshi's cursor until it comes back empty, {@link KalshiSettings#pageSpacing()} apart (Kalshi
 * rate-limits REST). Every page is retried on a network error, a 5xx or a 429, up to
 * {@link KalshiSettings#pageAttempts()} tries, waiting exponentially from {@link KalshiSettings#retryBackoff()} with
 * jitter, or as long as a 429's {@code Retry-After} says. Blocking: run it on a blocking dispatcher.
 */
public final class KalshiDiscovery {

    /** How discovery waits; tests record the waits instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** Discovery gave up: a page failed every try, or the server answered something unusable. */
    public static final class DiscoveryException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DiscoveryException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Market states that trade; discovery asks for {@code status=open}, which Kalshi answers as {@code active}. */
    private static final Set<String> OPEN = Set.of("active", "open");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KalshiSettings settings;
    private final URI base;
    private final HttpClient http;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final Set<String> included;
    private final Set<String> excluded;
    private boolean firstRequest = true;

    private KalshiDiscovery(KalshiSettings settings, HttpClient http, Sleeper sleeper, RandomGenerator random) {
        this.settings = settings;
        this.base = settings.rest()
                .orElseThrow(() -> new IllegalArgumentException(
                        "feed " + settings.feed() + ": endpoints.rest is needed for discovery"));
        this.http = http;
        this.sleeper = sleeper;
        this.random = random;
        this.included = settings.categories().stream().map(Subjects::category).collect(Collectors.toSet());
        this.excluded =
                settings.excludedCategories().stream().map(Subjects::category).collect(Collectors.toSet());
    }

    /** Discovery for these settings with its own HTTP client, sleeping for real. */
    public static KalshiDiscovery create(KalshiSettings settings) {
        return create(
                settings,
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
                d -> Thread.sleep(d.toMillis()),
                RandomGenerator.getDefault());
    }

    /** Discovery with an injected client, sleeper and jitter source (tests). */
    public static KalshiDiscovery create(
            KalshiSettings settings, HttpClient http, Sleeper sleeper, RandomGenerator random) {
        return new KalshiDiscovery(settings, http, sleeper, random);
    }

    /**
     * The open markets passing the filters, at most {@code discovery.max-instruments}. An empty universe is normal.
     *
     * @throws DiscoveryException when a page fails every try
     */
    public KalshiUniverse discover() throws InterruptedException {
        List<KalshiUniverse.Market> markets = new ArrayList<>();
        Map<String, String> categories = new HashMap<>();
        List<Optional<String>> seriesList = settings.series().isEmpty()
                ? List.of(Optional.empty())
                : settings.series().stream().map(Optional::of).toList();
        boolean events = true;
        for (Optional<String> series : seriesList) {
            if (events) {
                events = pages("events", series, page -> readEvents(page, markets, categories));
            }
            if (!events) {
                pages("markets", series, page -> readMarkets(page, markets, categories));
            }
        }
        int max = settings.maxInstruments().orElse(Integer.MAX_VALUE);
        return new KalshiUniverse(markets.size() > max ? markets.subList(0, max) : markets, categories);
    }

    /** Tickers named in one {@code GET /markets?tickers=...}: servers refuse URLs past about 2 KB. */
    static final int TICKERS_PER_LOOKUP = 40;

    /**
     * Markets as REST shows them now, with their categories: each market's own when it carries one, else its
     * event's ({@code GET /markets?tickers=...}, then {@code GET /events/{event_ticker}} once per event that is
     * needed). For markets that lifecycle events announce after discovery ran. Unknown tickers are left out.
     *
     * @throws DiscoveryException when a request fails every try
     */
    public List<KalshiUniverse.Market> lookup(java.util.Collection<String> tickers) throws InterruptedException {
        List<String> all = List.copyOf(new java.util.LinkedHashSet<>(tickers));
        List<JsonNode> found = new ArrayList<>();
        for (int from = 0; from < all.size(); from += TICKERS_PER_LOOKUP) {
            String named = String.join(",", all.subList(from, Math.min(all.size(), from + TICKERS_PER_LOOKUP)));
            String cursor = "";
            do {
                String query = "limit=" + TICKERS_PER_LOOKUP + "&tickers=" + encode(named)
                        + (cursor.isEmpty() ? "" : "&cursor=" + encode(cursor));
                JsonNode page =
                        get(URI.create(base + "/markets?" + query), false).orElseThrow();
                page.path("markets").forEach(found::add);
                cursor = page.path("cursor").asText("");
            } while (!cursor.isEmpty());
        }
        Map<String, JsonNode> events = new HashMap<>();
        List<KalshiUniverse.Market> markets = new ArrayList<>();
        for (JsonNode market : found) {
            String eventTicker = market.path("event_ticker").asText("");
            String series = market.path("series_ticker").asText("");
            String category = market.path("category").asText("");
            boolean needSeries = !settings.series().isEmpty() && series.isEmpty();
            if ((category.isBlank() || needSeries) && !eventTicker.isEmpty()) {
                if (!events.containsKey(eventTicker)) {
                    events.put(
                            eventTicker,
                            get(URI.create(base + "/events/" + encode(eventTicker)), true)
                                    .map(e -> e.path("event"))
                                    .orElse(JSON.missingNode()));
                }
                JsonNode event = events.get(eventTicker);
                category = category.isBlank() ? event.path("category").asText("") : category;
                series = series.isEmpty() ? event.path("series_ticker").asText("") : series;
            }
            markets.add(new KalshiUniverse.Market(
                    market.path("ticker").asText(""),
                    eventTicker,
                    series,
                    category,
                    market.path("status").asText("")));
        }
        return markets;
    }

    /** Whether discovery's filters (categories or excluded ones, series) keep this market; its status aside. */
    public boolean selects(KalshiUniverse.Market market) {
        String token = market.categoryToken();
        if ((!included.isEmpty() && !included.contains(token)) || excluded.contains(token)) {
            return false;
        }
        return settings.series().isEmpty() || settings.series().contains(market.seriesTicker());
    }

    /** Whether a market status is one that trades ({@code active}; {@code open} in older answers). */
    public static boolean trades(String status) {
        return OPEN.contains(status);
    }

    /** Reads every page of one listing; false when the server has no such listing (404 on the first page). */
    private boolean pages(String listing, Optional<String> series, java.util.function.Consumer<JsonNode> reader)
            throws InterruptedException {
        String cursor = "";
        boolean first = true;
        do {
            StringBuilder query = new StringBuilder("status=open&limit=").append(settings.pageLimit());
            if (listing.equals("events")) {
                query.append("&with_nested_markets=true");
            }
            series.ifPresent(s -> query.append("&series_ticker=").append(encode(s)));
            if (!cursor.isEmpty()) {
                query.append("&cursor=").append(encode(cursor));
            }
            Optional<JsonNode> page = get(URI.create(base + "/" + listing + "?" + query), first);
            if (page.isEmpty()) {
                return false;
            }
            reader.accept(page.get());
            cursor = page.get().path("cursor").asText("");
            first = false;
        } while (!cursor.isEmpty());
        return true;
    }

    private void readEvents(JsonNode page, List<KalshiUniverse.Market> into, Map<String, String> categories) {
        for (JsonNode event : page.path("events")) {
            String eventTicker = event.path("event_ticker").asText("");
            String series = event.path("series_ticker").asText("");
            String category = event.path("category").asText("");
            for (JsonNode market : event.path("markets")) {
                String own = market.path("category").asText("");
                add(market, eventTicker, series, category.isBlank() ? own : category, into, categories);
            }
        }
    }

    private void readMarkets(JsonNode page, List<KalshiUniverse.Market> into, Map<String, String> categories) {
        for (JsonNode market : page.path("markets")) {
            add(
                    market,
                    market.path("event_ticker").asText(""),
                    market.path("series_ticker").asText(""),
                    market.path("category").asText(""),
                    into,
                    categories);
        }
    }

    private void add(
            JsonNode market,
            String eventTicker,
            String series,
            String category,
            List<KalshiUniverse.Market> into,
            Map<String, String> categories) {
        String ticker = market.path("ticker").asText("");
        String status = market.path("status").asText("");
        // Not-yet-open markets are not subscribed; lifecycle "activated" brings them in later.
        if (ticker.isEmpty() || (!status.isEmpty() && !OPEN.contains(status))) {
            return;
        }
        String token = Subjects.category(category);
        if ((!included.isEmpty() && !included.contains(token)) || excluded.contains(token)) {
            return;
        }
        into.add(new KalshiUniverse.Market(ticker, eventTicker, series, category, status));
        if (!category.isBlank()) {
            categories.put(ticker, category);
            if (!eventTicker.isEmpty()) {
                categories.put(eventTicker, category);
            }
            if (!series.isEmpty()) {
                categories.put(series, category);
            }
        }
    }

    /** One page, retried; empty for a 404 on a listing's first page (the listing does not exist there). */
    private Optional<JsonNode> get(URI uri, boolean firstPage) throws InterruptedException {
        Exception last = null;
        if (!firstRequest && !settings.pageSpacing().isZero()) {
            sleeper.sleep(settings.pageSpacing());
        }
        firstRequest = false;
        for (int attempt = 1; attempt <= settings.pageAttempts(); attempt++) {
            Duration wait = backoff(attempt);
            try {
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
                if (status == 404 && firstPage) {
                    return Optional.empty();
                }
                if (status != 429 && status < 500) {
                    throw new DiscoveryException("GET " + uri + " answered " + status + ": " + response.body(), null);
                }
                last = new IOException("HTTP " + status);
                if (status == 429) {
                    wait = retryAfter(response).orElse(wait);
                }
            } catch (IOException e) {
                last = e;
            }
            if (attempt < settings.pageAttempts()) {
                sleeper.sleep(wait);
            }
        }
        throw new DiscoveryException("GET " + uri + " failed " + settings.pageAttempts() + " times", last);
    }

    /** {@code Retry-After} in seconds (Kalshi's form); an HTTP date or garbage falls back to the backoff. */
    private static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v.trim())));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    /**
     * {@code retryBackoff · 2^(attempt-1)} plus up to half again of jitter, so many clients do not retry together and
     * none sooner than {@code retryBackoff}: a backoff centred a quarter above it, ±20 %, spans exactly that.
     */
    private Duration backoff(int attempt) {
        Duration centre = settings.retryBackoff().multipliedBy(5).dividedBy(4);
        return new Backoff(centre, centre.multipliedBy(1L << 16), 0.2).delay(attempt - 1, random);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
