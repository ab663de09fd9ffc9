package io.ssmd.feeds.polymarket;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.Backoff;
import io.ssmd.feeds.polymarket.PolymarketMarkets.Market;
import io.ssmd.feeds.polymarket.PolymarketMarkets.Outcome;
import io.ssmd.feeds.polymarket.PolymarketMarkets.Universe;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Finds Polymarket's instrument universe from Gamma's {@code GET /markets} (exchanges/PROTOCOLS.md §4.5): markets that
 * are active and not closed, optionally narrowed by volume, liquidity and tags, read page by page with offset
 * pagination. Every page is retried with exponential backoff and jitter, so a page failing a few times does not end
 * the discovery.
 *
 * <p>Blocking: call it on a blocking dispatcher. The HTTP client is given, so tests can point it anywhere.
 */
public final class PolymarketDiscovery {

    /**
     * What to keep.
     *
     * @param minVolume    markets with at least this volume (Gamma's {@code volume_num_min}, checked here too)
     * @param minLiquidity markets with at least this liquidity ({@code liquidity_num_min}, checked here too)
     * @param tagIds       markets of any of these tags: one pass per tag ({@code tag_id}); a market that lists tags
     *                     must name one of them (by id or slug); empty for all
     * @param order        a Gamma field to sort by, descending ({@code volume24hr}: the most active first)
     * @param maxAssets    stop once this many asset ids are found (whole markets only)
     * @param pageSize     Gamma's {@code limit} per page
     */
    public record Filter(
            Optional<BigDecimal> minVolume,
            Optional<BigDecimal> minLiquidity,
            List<String> tagIds,
            Optional<String> order,
            OptionalInt maxAssets,
            int pageSize) {

        public Filter {
            tagIds = List.copyOf(tagIds);
            if (pageSize < 1) {
                throw new IllegalArgumentException("pageSize must be at least 1, got " + pageSize);
            }
        }

        /** Every active, open market, 500 per page. */
        public static Filter all() {
            return new Filter(
                    Optional.empty(), Optional.empty(), List.of(), Optional.empty(), OptionalInt.empty(), 500);
        }
    }

    /**
     * How a page is retried: up to {@code attempts} tries, waiting {@code minBackoff · 2^n} (at most
     * {@code maxBackoff}) ± {@code jitter} between them.
     */
    public record Retry(int attempts, Duration minBackoff, Duration maxBackoff, double jitter) {

        public static final Retry DEFAULT = new Retry(5, Duration.ofMillis(500), Duration.ofSeconds(10), 0.2);

        public Retry {
            if (attempts < 1 || jitter < 0 || jitter >= 1) {
                throw new IllegalArgumentException("attempts ≥ 1 and jitter in [0, 1) expected");
            }
        }

        Duration backoff(int failures) {
            return new Backoff(minBackoff, maxBackoff, jitter).delay(failures - 1);
        }
    }

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final URI base;
    private final HttpClient http;
    private final Retry retry;
    private final Duration timeout;
    private long requests;

    private PolymarketDiscovery(URI base, HttpClient http, Retry retry, Duration timeout) {
        this.base = base;
        this.http = http;
        this.retry = retry;
        this.timeout = timeout;
    }

    /**
     * @param base    Gamma's base URL (the feed file's {@code endpoints.discovery}); {@code /markets} is appended
     * @param timeout per request
     */
    public static PolymarketDiscovery create(URI base, HttpClient http, Retry retry, Duration timeout) {
        return new PolymarketDiscovery(base, http, retry, timeout);
    }

    /** HTTP requests sent so far, retries included. */
    public long requests() {
        return requests;
    }

    /**
     * Reads every page and returns the universe.
     *
     * @throws IOException when a page still fails after {@link Retry#attempts()} tries, or is not a JSON array
     */
    public Universe discover(Filter filter) throws IOException, InterruptedException {
        Map<String, Market> byCondition = new LinkedHashMap<>();
        Set<String> assets = new HashSet<>();
        List<Optional<String>> passes = new ArrayList<>();
        if (filter.tagIds().isEmpty()) {
            passes.add(Optional.empty());
        } else {
            filter.tagIds().forEach(t -> passes.add(Optional.of(t)));
        }
        for (Optional<String> tag : passes) {
            for (int offset = 0; ; offset += filter.pageSize()) {
                JsonNode page = page(query(filter, tag, offset));
                for (JsonNode node : page) {
                    if (full(filter, assets.size())) {
                        break;
                    }
                    market(node)
                            .filter(m -> wanted(m, node, filter))
                            .ifPresent(m -> add(m, byCondition, assets, filter));
                }
                if (page.size() < filter.pageSize() || full(filter, assets.size())) {
                    break;
                }
            }
        }
        return new Universe(List.copyOf(byCondition.values()));
    }

    private static boolean full(Filter filter, int assets) {
        return filter.maxAssets().isPresent() && assets >= filter.maxAssets().getAsInt();
    }

    private String query(Filter filter, Optional<String> tag, int offset) {
        StringBuilder q = new StringBuilder("active=true&closed=false&limit=")
                .append(filter.pageSize())
                .append("&offset=")
                .append(offset);
        filter.minVolume().ifPresent(v -> q.append("&volume_num_min=").append(v.toPlainString()));
        filter.minLiquidity().ifPresent(v -> q.append("&liquidity_num_min=").append(v.toPlainString()));
        filter.order().ifPresent(o -> q.append("&order=").append(encode(o)).append("&ascending=false"));
        tag.ifPresent(t -> q.append("&tag_id=").append(encode(t)));
        return q.toString();
    }

    /** An answer that retrying will not change (a 4xx other than 429, a body that is not a JSON array). */
    private static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    /** One page, retried: transport errors, 429 and 5xx are retried; other answers end the discovery. */
    private JsonNode page(String query) throws IOException, InterruptedException {
        String path = base.getPath() == null ? "" : base.getPath().replaceAll("/+$", "");
        URI uri = base.resolve(path + "/markets?" + query);
        IOException last = null;
        for (int attempt = 1; attempt <= retry.attempts(); attempt++) {
            if (attempt > 1) {
                Thread.sleep(retry.backoff(attempt - 1).toMillis());
            }
            requests++;
            try {
                return fetch(uri);
            } catch (Refused e) {
                throw e;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException(
                "Gamma page " + uri + " failed " + retry.attempts() + " times, last: " + last.getMessage(), last);
    }

    private JsonNode fetch(URI uri) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(
                HttpRequest.newBuilder(uri)
                        .timeout(timeout)
                        .header("Accept", "application/json")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        int status = response.statusCode();
        if (status == 429 || status >= 500) {
            throw new IOException("Gamma " + uri + " answered HTTP " + status);
        }
        if (status != 200) {
            throw new Refused("Gamma " + uri + " answered HTTP " + status);
        }
        JsonNode page;
        try {
            page = JSON.readTree(response.body());
        } catch (IOException e) {
            // A body cut by a failing proxy is worth another try, like any transport error.
            throw new IOException("Gamma " + uri + " answered unreadable JSON: " + e.getMessage(), e);
        }
        if (page == null || !page.isArray()) {
            throw new Refused("Gamma " + uri + " answered something other than a JSON array");
        }
        return page;
    }

    /** A market object as ssmd needs it, or empty when it has no condition id or no token ids. */
    static Optional<Market> market(JsonNode node) {
        String condition = node.path("conditionId").asText("");
        List<String> tokens = list(node.get("clobTokenIds"));
        if (condition.isEmpty() || tokens.isEmpty()) {
            return Optional.empty();
        }
        List<String> names = list(node.get("outcomes"));
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            outcomes.add(new Outcome(i < names.size() ? names.get(i) : "", tokens.get(i)));
        }
        return Optional.of(new Market(
                node.path("id").asText(""),
                condition,
                node.path("question").asText(""),
                node.path("slug").asText(""),
                outcomes,
                decimal(node, "volume", "volumeNum"),
                decimal(node, "liquidity", "liquidityNum"),
                tags(node)));
    }

    /**
     * Gamma writes {@code clobTokenIds} and {@code outcomes} as JSON-encoded strings ({@code "[\"Yes\", \"No\"]"});
     * older answers had real arrays. Both are read; anything else is no list.
     */
    static List<String> list(JsonNode node) {
        JsonNode array = node;
        if (node != null && node.isTextual()) {
            try {
                array = JSON.readTree(node.asText());
            } catch (IOException e) {
                return List.of();
            }
        }
        List<String> values = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(v -> {
                if (v.isValueNode() && !v.asText().isEmpty()) {
                    values.add(v.asText());
                }
            });
        }
        return values;
    }

    private static boolean wanted(Market market, JsonNode node, Filter filter) {
        // Asked of Gamma already; checked again because a server that ignores a parameter must not widen the universe.
        if (node.path("active").isBoolean() && !node.get("active").asBoolean()
                || node.path("closed").asBoolean(false)
                || node.path("enableOrderBook").isBoolean()
                        && !node.get("enableOrderBook").asBoolean()) {
            return false;
        }
        if (filter.minVolume().isPresent()
                && market.volume()
                        .map(v -> v.compareTo(filter.minVolume().get()) < 0)
                        .orElse(true)) {
            return false;
        }
        if (filter.minLiquidity().isPresent()
                && market.liquidity()
                        .map(v -> v.compareTo(filter.minLiquidity().get()) < 0)
                        .orElse(true)) {
            return false;
        }
        // Gamma's market objects usually list no tags (the tag_id query did the filtering); when they do, one must
        // match.
        return filter.tagIds().isEmpty()
                || market.tags().isEmpty()
                || market.tags().stream().anyMatch(filter.tagIds()::contains);
    }

    /**
     * Adds a market, grouped by condition id: offset pages can shift while markets open and close, so a market (or a
     * token) seen twice is kept once. Whole markets only, so a market's outcomes are never split by the limit.
     */
    private static void add(Market market, Map<String, Market> byCondition, Set<String> assets, Filter filter) {
        List<Outcome> fresh = market.outcomes().stream()
                .filter(o -> !assets.contains(o.assetId()))
                .toList();
        if (fresh.isEmpty()) {
            return;
        }
        if (filter.maxAssets().isPresent()
                && assets.size() + fresh.size() > filter.maxAssets().getAsInt()) {
            return;
        }
        fresh.forEach(o -> assets.add(o.assetId()));
        Market known = byCondition.get(market.conditionId());
        if (known == null) {
            byCondition.put(
                    market.conditionId(),
                    new Market(
                            market.id(),
                            market.conditionId(),
                            market.question(),
                            market.slug(),
                            fresh,
                            market.volume(),
                            market.liquidity(),
                            market.tags()));
        } else {
            List<Outcome> merged = new ArrayList<>(known.outcomes());
            merged.addAll(fresh);
            byCondition.put(
                    market.conditionId(),
                    new Market(
                            known.id(),
                            known.conditionId(),
                            known.question(),
                            known.slug(),
                            merged,
                            known.volume(),
                            known.liquidity(),
                            known.tags()));
        }
    }

    /** A decimal field from its wire text, whether Gamma wrote it as a string or a number. */
    private static Optional<BigDecimal> decimal(JsonNode node, String... fields) {
        for (String field : fields) {
            JsonNode value = node.get(field);
            if (value != null && (value.isNumber() || value.isTextual())) {
                BigDecimal decimal = PolymarketProtocol.decimal(
                        value.isNumber() ? value.decimalValue().toPlainString() : value.asText());
                if (decimal != null) {
                    return Optional.of(decimal);
                }
            }
        }
        return Optional.empty();
    }

    /** Tag ids and slugs from the market's {@code tags} and its events' {@code tags} (objects or plain values). */
    private static List<String> tags(JsonNode node) {
        List<String> tags = new ArrayList<>();
        List<JsonNode> lists = new ArrayList<>();
        lists.add(node.path("tags"));
        node.path("events").forEach(e -> lists.add(e.path("tags")));
        for (JsonNode list : lists) {
            for (JsonNode tag : list) {
                if (tag.isObject()) {
                    List.of("id", "slug").forEach(f -> {
                        if (tag.hasNonNull(f)) {
                            tags.add(tag.get(f).asText());
                        }
                    });
                } else if (tag.isValueNode()) {
                    tags.add(tag.asText());
                }
            }
        }
        return tags;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
