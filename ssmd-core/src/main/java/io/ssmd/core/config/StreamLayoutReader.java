package io.ssmd.core.config;

import io.ssmd.core.nats.PublisherSettings;
import io.ssmd.core.nats.StreamSpec;
import io.ssmd.core.subject.StreamCoverage;
import io.ssmd.core.subject.Subjects;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the environment's {@code streams} section and checks that the resulting layout stores every publishable
 * subject exactly once (DESIGN §4).
 *
 * <p>By default there is one stream per enabled feed, {@code {ENV}_{FEED}} over {@code {env}.{feed}.>}, with the
 * limits of {@code streams.defaults}. {@code streams.custom} adds streams, or replaces a generated one by using its
 * name, and {@code per-feed: false} turns generation off. That freedom is what lets a layout leave a subject
 * uncovered or cover it twice, which the coverage check then reports.
 */
final class StreamLayoutReader {

    private static final List<String> KEYS = List.of("defaults", "per-feed", "custom");
    private static final List<String> LIMIT_KEYS =
            List.of("max-bytes", "max-age", "duplicate-window", "storage", "replicas");
    private static final List<String> CUSTOM_KEYS =
            List.of("name", "subjects", "max-bytes", "max-age", "duplicate-window", "storage", "replicas");
    private static final List<String> STORAGE = List.of("file", "memory");
    private static final Pattern STREAM_NAME = Pattern.compile("[A-Za-z0-9_-]+");

    /** Limits of generated streams when {@code streams.defaults} says nothing. */
    static final Limits DEFAULTS =
            new Limits(10L << 30, Duration.ofDays(7), Duration.ofMinutes(2), StreamSpec.Storage.FILE, 1);

    /** The limits part of a stream spec, so defaults and custom streams share one reader. */
    record Limits(long maxBytes, Duration maxAge, Duration duplicateWindow, StreamSpec.Storage storage, int replicas) {

        StreamSpec toSpec(String name, List<String> subjects) {
            return new StreamSpec(name, subjects, maxBytes, maxAge, duplicateWindow, storage, replicas);
        }
    }

    private final PublisherSettings publisher;

    private StreamLayoutReader(PublisherSettings publisher) {
        this.publisher = publisher;
    }

    /** The streams of the environment; coverage problems are reported at {@code streams}. */
    static List<StreamSpec> read(
            ConfigNode root, String env, List<EnabledFeed> feeds, PublisherSettings publisher, Findings findings) {
        int mark = findings.mark();
        StreamLayoutReader reader = new StreamLayoutReader(publisher);
        Optional<ConfigNode> section = root.mapping("streams");
        section.ifPresent(s -> s.allowOnly(KEYS));
        Limits defaults = section.flatMap(s -> s.mapping("defaults"))
                .map(d -> {
                    d.allowOnly(LIMIT_KEYS);
                    return reader.limits(d, DEFAULTS, true);
                })
                .orElseGet(() -> reader.checked(root, "streams.defaults.duplicate-window", DEFAULTS));
        boolean perFeed = section.flatMap(s -> s.bool("per-feed")).orElse(true);

        Map<String, StreamSpec> streams = new LinkedHashMap<>();
        if (perFeed) {
            for (EnabledFeed feed : feeds) {
                String name = Subjects.streamName(env, feed.name());
                streams.put(name, defaults.toSpec(name, List.of(Subjects.streamSubjects(env, feed.name()))));
            }
        }
        List<String> customNames = new ArrayList<>();
        for (ConfigNode item : section.map(s -> s.list("custom")).orElse(List.of())) {
            reader.custom(item, defaults, customNames).ifPresent(spec -> streams.put(spec.name(), spec));
        }
        List<StreamSpec> result = List.copyOf(streams.values());
        if (findings.cleanSince(mark)) {
            List<String> publishable = feeds.stream()
                    .flatMap(f -> Subjects.publishable(env, f.name(), f.venue()).stream())
                    .toList();
            List<String> problems = StreamCoverage.check(result, publishable);
            problems.forEach(p -> findings.error(new ConfigError(root.file(), "streams", p)));
            if (problems.isEmpty()) {
                findings.passed("streams: every publishable subject covered by exactly one stream (" + result.size()
                        + (result.size() == 1 ? " stream)" : " streams)"));
            }
        }
        return result;
    }

    private Optional<StreamSpec> custom(ConfigNode item, Limits defaults, List<String> seen) {
        if (!item.allowOnly(CUSTOM_KEYS)) {
            return Optional.empty();
        }
        item.require("name", "a stream name such as DEFAULT_KRAKEN_TRADES");
        item.require("subjects", "a list of NATS subject filters such as default.kraken.json.trade.>");
        Optional<String> name = item.string("name").filter(n -> {
            if (!STREAM_NAME.matcher(n).matches()) {
                item.error("name", "'" + n + "' is not a valid stream name; expected letters, digits, _ and -");
                return false;
            }
            if (seen.contains(n)) {
                item.error("name", "stream '" + n + "' is listed twice in streams.custom");
                return false;
            }
            seen.add(n);
            return true;
        });
        Optional<List<ConfigNode.Text>> read = item.texts("subjects");
        if (read.isPresent() && read.get().isEmpty()) {
            item.error("subjects", "empty list; a stream needs at least one subject filter");
        }
        List<ConfigNode.Text> subjects = read.orElse(List.of());
        boolean subjectsValid = subjects.stream().allMatch(StreamLayoutReader::validSubject);
        Limits limits = limits(item, defaults, false);
        if (name.isEmpty() || subjects.isEmpty() || !subjectsValid) {
            return Optional.empty();
        }
        return Optional.of(limits.toSpec(
                name.get(), subjects.stream().map(ConfigNode.Text::value).toList()));
    }

    private static boolean validSubject(ConfigNode.Text subject) {
        String[] tokens = subject.value().split("\\.", -1);
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            boolean wildcardMisused = (t.contains("*") && !t.equals("*"))
                    || (t.contains(">") && !t.equals(">"))
                    || (t.equals(">") && i != tokens.length - 1);
            if (t.isEmpty() || t.chars().anyMatch(Character::isWhitespace) || wildcardMisused) {
                subject.node()
                        .error("'" + subject.value() + "' is not a valid NATS subject filter; tokens are"
                                + " separated by single dots, * stands for a whole token and > only for the last one");
                return false;
            }
        }
        return true;
    }

    /** @param fresh whether to check all limits; otherwise only those this node sets, the rest being checked */
    private Limits limits(ConfigNode node, Limits base, boolean fresh) {
        long maxBytes = node.size("max-bytes", true)
                .filter(b -> {
                    if (b == 0) {
                        node.error("max-bytes", "must be more than 0, or none for no size limit");
                        return false;
                    }
                    return true;
                })
                .orElse(base.maxBytes());
        Duration maxAge = node.duration("max-age", true).orElse(base.maxAge());
        Duration window = node.duration("duplicate-window", false).orElse(base.duplicateWindow());
        StreamSpec.Storage storage = node.oneOf("storage", STORAGE)
                .map(s -> StreamSpec.Storage.valueOf(s.toUpperCase(Locale.ROOT)))
                .orElse(base.storage());
        int replicas = node.integer("replicas", 1, 5).orElse(base.replicas());
        Limits limits = new Limits(maxBytes, maxAge, window, storage, replicas);
        // Limits inherited unchanged were checked where they were set; checking them again repeats the error.
        boolean changesWindow = fresh || node.has("duplicate-window") || node.has("max-age");
        return changesWindow ? checked(node, "duplicate-window", limits) : limits;
    }

    /** Checks that hold between limits, reported at the node that set them. */
    private Limits checked(ConfigNode node, String at, Limits limits) {
        Duration window = limits.duplicateWindow();
        if (window.isZero()) {
            node.error(at, "must be longer than 0: it is what drops a retried publish the server already has");
        } else if (!limits.maxAge().isZero() && window.compareTo(limits.maxAge()) > 0) {
            node.error(
                    at,
                    "(" + Units.format(window) + ") must not exceed max-age (" + Units.format(limits.maxAge())
                            + "); NATS refuses such a stream");
        }
        Duration retrying = retrySpan(publisher);
        if (!window.isZero() && window.compareTo(retrying) < 0) {
            node.error(
                    at,
                    "(" + Units.format(window) + ") is shorter than a publish may keep retrying ("
                            + Units.format(roundedUp(retrying)) + " with transport.publish max-attempts "
                            + publisher.maxAttempts()
                            + ", ack-timeout " + Units.format(publisher.ackTimeout()) + ", retry-backoff "
                            + Units.format(publisher.retryBackoff()) + "): a late retry would be stored twice");
        }
        return limits;
    }

    private static Duration roundedUp(Duration d) {
        return Duration.ofSeconds(d.getSeconds() + (d.getNano() > 0 ? 1 : 0));
    }

    /** How long the publisher may keep retrying one message: every attempt's ack timeout plus the doubling waits. */
    static Duration retrySpan(PublisherSettings p) {
        Duration span = Duration.ZERO;
        Duration backoff = p.retryBackoff();
        Duration cap = Duration.ofDays(365);
        for (int attempt = 1; attempt <= p.maxAttempts() && span.compareTo(cap) < 0; attempt++) {
            span = span.plus(p.ackTimeout());
            if (attempt < p.maxAttempts()) {
                span = span.plus(backoff);
                backoff = backoff.multipliedBy(2);
            }
        }
        return span;
    }
}
