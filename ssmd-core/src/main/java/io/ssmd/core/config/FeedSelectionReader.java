package io.ssmd.core.config;

import io.ssmd.core.subject.Subjects;
import io.ssmd.core.subject.Venue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * Reads the environment's {@code feeds} section: for each feed named there, its feed file, whether it runs, its
 * instruments and its credentials. Every named feed is checked, disabled or not, so a typo in a disabled feed is
 * found before someone enables it.
 */
final class FeedSelectionReader {

    private static final List<String> KEYS = List.of(
            "enabled", "instruments", "categories", "exclude-categories", "series", "discovery", "custom-features");
    private static final List<String> POLYMARKET_DISCOVERY = List.of("min-volume", "min-liquidity", "tags");
    private static final List<String> ENABLED = List.of("true", "false", "if-credentials");

    private final Map<String, String> env;
    private final Findings findings;

    private FeedSelectionReader(Map<String, String> env, Findings findings) {
        this.env = env;
        this.findings = findings;
    }

    /**
     * The feeds that run, in file order.
     *
     * @param feedsDir where feed files are, or empty when that directory is itself in error
     */
    static List<EnabledFeed> read(
            ConfigNode feeds, Optional<Path> feedsDir, Map<String, String> env, Findings findings) {
        FeedSelectionReader reader = new FeedSelectionReader(env, findings);
        List<ConfigNode> entries = feeds.entries();
        if (entries.isEmpty()) {
            feeds.error("no feeds; expected at least one feed name with its settings");
        }
        List<EnabledFeed> enabled = new ArrayList<>();
        for (ConfigNode entry : entries) {
            reader.feed(entry, feedsDir).ifPresent(enabled::add);
        }
        return enabled;
    }

    private Optional<EnabledFeed> feed(ConfigNode entry, Optional<Path> feedsDir) {
        String name = entry.key();
        int mark = findings.mark();
        if (!Subjects.isValidName(name)) {
            entry.error("'" + name + "' is not a valid feed name; expected lowercase [a-z0-9][a-z0-9_-]*");
            return Optional.empty();
        }
        if (!entry.allowOnly(KEYS)) {
            return Optional.empty();
        }
        String enabled = entry.oneOf("enabled", ENABLED).orElse("true");
        Optional<FeedDefinition> definition = feedsDir.flatMap(dir -> definition(entry, dir));
        Optional<List<String>> listed = instruments(entry);
        List<String> instruments = listed.orElse(List.of());
        List<String> categories = categories(entry, "categories", definition);
        List<String> excluded = categories(entry, "exclude-categories", definition);
        List<String> series = series(entry, definition);
        Optional<Discovery> discovery = entry.mapping("discovery").map(node -> discovery(node, definition));
        Optional<Boolean> customFeatures = entry.bool("custom-features");
        definition
                .filter(d -> d.venue() != Venue.POLYMARKET && customFeatures.isPresent())
                .ifPresent(d -> entry.error(
                        "custom-features",
                        "applies only to Polymarket feeds (custom_feature_enabled); feed '" + d.name() + "' is "
                                + d.venue().id()));
        if (definition.isEmpty()) {
            return Optional.empty();
        }
        checkSelection(entry, definition.get(), listed, discovery, enabled);
        if (findings.cleanSince(mark)) {
            findings.passed("feed " + name + ": " + describe(instruments, categories, discovery));
        }
        if (enabled.equals("false")) {
            if (findings.cleanSince(mark)) {
                findings.passed("feed " + name + ": disabled (enabled: false)");
            }
            return Optional.empty();
        }
        Optional<Optional<KalshiCredentials>> credentials = credentials(entry, definition.get(), enabled);
        if (!findings.cleanSince(mark) || credentials.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new EnabledFeed(
                definition.get(),
                instruments,
                Subjects.tokens(name, instruments),
                categories,
                discovery,
                credentials.get(),
                excluded,
                series,
                customFeatures.orElse(false)));
    }

    private Optional<FeedDefinition> definition(ConfigNode entry, Path feedsDir) {
        Path file = feedsDir.resolve(entry.key() + ".yaml");
        if (!Files.exists(file)) {
            entry.error("no feed file for '" + entry.key() + "': expected " + file
                    + " (feed files are read from feeds-dir, named {feed}.yaml)");
            return Optional.empty();
        }
        Optional<FeedDefinition> definition = FeedFileLoader.load(file, entry.key(), findings);
        definition.ifPresent(d -> findings.passed("feed " + d.name() + ": " + file + " valid"));
        return definition;
    }

    /**
     * The distinct instruments (empty list when absent); duplicates and token collisions are reported at the later
     * item. Empty when the list itself is in error, so that no "empty list" follows from a reported problem.
     */
    private static Optional<List<String>> instruments(ConfigNode entry) {
        if (!entry.has("instruments")) {
            return Optional.of(List.of());
        }
        Optional<List<ConfigNode.Text>> read = entry.texts("instruments");
        if (read.isEmpty()) {
            return Optional.empty();
        }
        Map<String, ConfigNode.Text> byId = new LinkedHashMap<>();
        Map<String, ConfigNode.Text> byToken = new HashMap<>();
        for (ConfigNode.Text item : read.get()) {
            ConfigNode.Text earlier = byId.putIfAbsent(item.value(), item);
            if (earlier != null) {
                item.node()
                        .error("duplicate instrument '" + item.value() + "' (also at "
                                + earlier.node().path() + ")");
                continue;
            }
            String token = Subjects.token(item.value());
            ConfigNode.Text clash = byToken.putIfAbsent(token, item);
            if (clash != null) {
                item.node()
                        .error("instruments '" + clash.value() + "' ("
                                + clash.node().path() + ") and '"
                                + item.value() + "' both map to subject token '" + token
                                + "', so their messages could not be told apart; remove one of them");
            }
        }
        return Optional.of(List.copyOf(byId.keySet()));
    }

    /** {@code categories} or {@code exclude-categories}: distinct by subject token, for categorized venues only. */
    private static List<String> categories(ConfigNode entry, String key, Optional<FeedDefinition> definition) {
        if (!entry.has(key)) {
            return List.of();
        }
        onlyCategorized(entry, key, definition);
        Map<String, String> byToken = new HashMap<>();
        List<String> categories = new ArrayList<>();
        for (ConfigNode.Text item : entry.texts(key).orElse(List.of())) {
            String token = Subjects.category(item.value());
            String other = byToken.putIfAbsent(token, item.value());
            if (other != null) {
                item.node()
                        .error("category '" + item.value() + "' repeats '" + other + "' (both are '" + token
                                + "' in subjects)");
            } else {
                categories.add(item.value());
            }
        }
        return categories;
    }

    /** Kalshi series tickers ({@code KXBTCD}) that limit discovery; each once. */
    private static List<String> series(ConfigNode entry, Optional<FeedDefinition> definition) {
        if (!entry.has("series")) {
            return List.of();
        }
        onlyCategorized(entry, "series", definition);
        List<String> series = new ArrayList<>();
        for (ConfigNode.Text item : entry.texts("series").orElse(List.of())) {
            if (item.value().isBlank()) {
                item.node().error("empty series ticker; expected one like KXBTCD");
            } else if (series.contains(item.value())) {
                item.node().error("series '" + item.value() + "' is listed twice");
            } else {
                series.add(item.value());
            }
        }
        return series;
    }

    private static void onlyCategorized(ConfigNode entry, String key, Optional<FeedDefinition> definition) {
        definition
                .filter(d -> !d.venue().categorized())
                .ifPresent(d -> entry.error(
                        key,
                        key + " apply only to venues whose subjects carry a category ("
                                + Arrays.stream(Venue.values())
                                        .filter(Venue::categorized)
                                        .map(Venue::id)
                                        .collect(Collectors.joining(", "))
                                + "); feed '" + d.name() + "' is " + d.venue().id()));
    }

    private static Discovery discovery(ConfigNode node, Optional<FeedDefinition> definition) {
        List<String> keys = new ArrayList<>(List.of("max-instruments"));
        keys.addAll(POLYMARKET_DISCOVERY);
        node.allowOnly(keys);
        definition
                .filter(d -> d.venue() != Venue.POLYMARKET)
                .ifPresent(d -> POLYMARKET_DISCOVERY.stream()
                        .filter(node::has)
                        .forEach(key -> node.error(
                                key,
                                "filters Polymarket's Gamma markets only; feed '" + d.name() + "' is "
                                        + d.venue().id())));
        List<String> tags = new ArrayList<>();
        if (node.has("tags")) {
            node.texts("tags").orElse(List.of()).forEach(t -> tags.add(t.value()));
        }
        return new Discovery(
                node.integer("max-instruments", 1, 1_000_000)
                        .map(OptionalInt::of)
                        .orElse(OptionalInt.empty()),
                node.nonNegativeAmount("min-volume"),
                node.nonNegativeAmount("min-liquidity"),
                tags);
    }

    private static void checkSelection(
            ConfigNode entry,
            FeedDefinition definition,
            Optional<List<String>> listed,
            Optional<Discovery> discovery,
            String enabled) {
        for (String key : List.of("categories", "exclude-categories", "series")) {
            if (entry.has(key) && discovery.isEmpty()) {
                entry.error(key, key + " narrow discovery; add discovery: {} or list instruments instead");
            }
        }
        if (entry.has("categories") && entry.has("exclude-categories")) {
            entry.error(
                    "exclude-categories",
                    "categories and exclude-categories cannot be used together: keep"
                            + " categories (the ones to run) or exclude-categories (every other one), not both");
        }
        if (discovery.isPresent() && definition.endpoints().discoveryBase().isEmpty()) {
            entry.error(
                    "discovery",
                    "feed '" + definition.name() + "' has no endpoints.rest or endpoints.discovery" + " URL in "
                            + definition.file() + " to discover instruments from");
        }
        boolean none = listed.map(List::isEmpty).orElse(false);
        if (!enabled.equals("false") && none && discovery.isEmpty()) {
            String message = "an enabled feed needs at least one instrument, or discovery: {max-instruments: N}";
            if (entry.has("instruments")) {
                entry.error("instruments", "empty list; " + message);
            } else {
                entry.error(message);
            }
        }
    }

    private static String describe(List<String> instruments, List<String> categories, Optional<Discovery> discovery) {
        int count = instruments.size();
        String listed = count + (count == 1 ? " instrument" : " instruments") + ", tokens unique";
        if (discovery.isEmpty()) {
            return listed;
        }
        OptionalInt max = discovery.get().maxInstruments();
        String limit = max.isPresent() ? "at most " + max.getAsInt() : "no limit";
        String scope = categories.isEmpty()
                ? ""
                : " in " + categories.size() + (categories.size() == 1 ? " category" : " categories");
        return "instruments from discovery" + scope + " (" + limit + ")" + (count == 0 ? "" : ", plus " + listed);
    }

    /**
     * The feed's credentials: empty when the feed cannot run (an error, or {@code if-credentials} without them),
     * otherwise present, holding nothing for a public feed.
     */
    private Optional<Optional<KalshiCredentials>> credentials(
            ConfigNode entry, FeedDefinition definition, String enabled) {
        if (!(definition.auth() instanceof FeedAuth.KalshiRsaPss auth)) {
            return Optional.of(Optional.empty());
        }
        CredentialCheck check = CredentialCheck.of(auth, env);
        check.problems().forEach(entry::error);
        if (!check.problems().isEmpty()) {
            return Optional.empty();
        }
        if (check.absent()) {
            String remedy = check.remedy();
            if (enabled.equals("true")) {
                entry.error(
                        "enabled",
                        "is true, but the credentials are missing: " + remedy + " (named by auth in "
                                + definition.file() + "), or use enabled: if-credentials");
            } else {
                findings.passed("feed " + definition.name() + ": disabled (no credentials: " + remedy + ")");
            }
            return Optional.empty();
        }
        findings.passed("feed " + definition.name() + ": credentials resolve (" + check.sources() + ")");
        return Optional.of(check.credentials());
    }
}
