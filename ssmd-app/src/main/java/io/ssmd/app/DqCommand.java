package io.ssmd.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.archive.DailyQuality;
import io.ssmd.core.meta.DataInventory;
import io.ssmd.core.meta.FeedRegistry;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.QualityIssues;
import io.ssmd.core.meta.QualityScore;
import io.ssmd.core.meta.UnknownNameException;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ssmd dq ...}: data quality scores (docs/inventory.md, "Quality score"). */
@Command(
        name = "dq",
        mixinStandardHelpOptions = true,
        description = "Data quality: the daily score per feed.",
        subcommands = {DqCommand.Daily.class})
final class DqCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Command(
            name = "daily",
            mixinStandardHelpOptions = true,
            description = "Scores each feed's day (0.00..1.00) from the inventory, gaps, quality issues and the day's"
                    + " files; prints the score with its components and stores both in the inventory rows.")
    static final class Daily extends MetadataCommand {

        @Option(
                names = "--date",
                paramLabel = "D",
                converter = DateConverter.class,
                description = "The day (YYYY-MM-DD, UTC); default the latest day with an inventory")
        LocalDate date;

        @Option(names = "--feed", paramLabel = "F", description = "Only this feed")
        String feed;

        @Override
        int run(Metadata metadata, PrintWriter out) throws Exception {
            QualityIssues issues = new QualityIssues(metadata);
            Optional<String> only = Optional.ofNullable(feed);
            only.ifPresent(f -> requireKnownFeed(metadata, issues, f));
            LocalDate day = date != null
                    ? date
                    : issues.latestDate(only)
                            .orElseThrow(() -> new IllegalArgumentException(noInventory(issues, only)));
            List<QualityIssues.InventoryDay> rows = issues.days(day, only);
            if (rows.isEmpty()) {
                throw new IllegalArgumentException(noInventory(issues, only, day));
            }
            // One score per environment and feed: two environments archiving the same feed are two days of data.
            Map<List<String>, List<QualityIssues.InventoryDay>> byFeed = new LinkedHashMap<>();
            rows.forEach(r -> byFeed.computeIfAbsent(List.of(r.environment(), r.feed()), k -> new ArrayList<>())
                    .add(r));
            List<DailyQuality.FeedDay> scored = new ArrayList<>();
            List<String> environments = new ArrayList<>();
            for (Map.Entry<List<String>, List<QualityIssues.InventoryDay>> e : byFeed.entrySet()) {
                DailyQuality.FeedDay d = DailyQuality.score(issues, e.getKey().get(1), day, e.getValue());
                issues.storeScore(
                        e.getValue().stream()
                                .map(QualityIssues.InventoryDay::id)
                                .toList(),
                        d.result().score(),
                        JSON.writeValueAsString(components(d)));
                scored.add(d);
                environments.add(e.getKey().get(0));
            }
            if (json()) {
                printJson(
                        out,
                        java.util.stream.IntStream.range(0, scored.size())
                                .mapToObj(i -> {
                                    DailyQuality.FeedDay d = scored.get(i);
                                    Map<String, Object> m = new LinkedHashMap<>();
                                    m.put("environment", environments.get(i));
                                    m.put("feed", d.feed());
                                    m.put("date", d.date().toString());
                                    m.put("score", d.result().score());
                                    m.put("components", components(d));
                                    return m;
                                })
                                .toList());
                return 0;
            }
            TextTable table = TextTable.of(
                    "env",
                    "feed",
                    "date",
                    "score",
                    "time",
                    "instruments",
                    "errors",
                    "resyncs",
                    "gap s",
                    "span s",
                    "records",
                    "error issues",
                    "resync count");
            for (int i = 0; i < scored.size(); i++) {
                DailyQuality.FeedDay d = scored.get(i);
                QualityScore.Result r = d.result();
                table.row(
                        environments.get(i),
                        d.feed(),
                        d.date().toString(),
                        r.score().toPlainString(),
                        fixed(r.time()),
                        fixed(r.instruments()),
                        fixed(r.errors()),
                        fixed(r.resyncs()),
                        r.gapSeconds(),
                        r.spanSeconds(),
                        r.records(),
                        r.errorIssues(),
                        r.resyncCount());
            }
            table.print(out);
            out.println("score = time × instruments × errors × resyncs (docs/inventory.md); stored in the inventory");
            return 0;
        }

        private static Map<String, Object> components(DailyQuality.FeedDay d) {
            Map<String, Object> c = new LinkedHashMap<>(d.result().components());
            c.put("streams", d.streams());
            return c;
        }

        private static String fixed(double v) {
            return String.format(java.util.Locale.ROOT, "%.4f", v);
        }
    }

    /**
     * Fails with "Did you mean" when {@code feed} is neither registered nor in the inventory. A registered feed
     * without inventory passes: the caller says which day is latest.
     */
    static void requireKnownFeed(Metadata metadata, QualityIssues issues, String feed) {
        TreeSet<String> known = new TreeSet<>(issues.feeds());
        known.addAll(new FeedRegistry(metadata).names());
        if (!known.contains(feed)) {
            throw new UnknownNameException("feed", feed, known);
        }
    }

    /** "No data inventory for kalshi on 2025-12-20 — latest available: 2025-12-14". */
    static String noInventory(QualityIssues issues, Optional<String> feed, LocalDate date) {
        return DataInventory.nothingFor(feed.orElse("any feed"), " on " + date, issues.latestDate(feed));
    }

    private static String noInventory(QualityIssues issues, Optional<String> feed) {
        return "No data inventory for " + feed.orElse("any feed") + " — nothing archived has been recorded yet";
    }
}
