package io.ssmd.app;

import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.QualityIssues;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ssmd data quality --feed F --date D}: the quality issues of one feed's day (docs/inventory.md). */
@Command(
        name = "quality",
        mixinStandardHelpOptions = true,
        description = "The quality issues of one feed on one day: per stream and type its severity, count, first and"
                + " last time and a sample (the first occurrence).")
final class DataQualityCommand extends MetadataCommand {

    private static final int SAMPLE_WIDTH = 160;

    @Option(names = "--feed", paramLabel = "F", required = true, description = "The feed")
    String feed;

    @Option(
            names = "--date",
            paramLabel = "D",
            required = true,
            converter = DateConverter.class,
            description = "The day (YYYY-MM-DD, UTC)")
    LocalDate date;

    @Override
    int run(Metadata metadata, PrintWriter out) throws Exception {
        QualityIssues issues = new QualityIssues(metadata);
        DqCommand.requireKnownFeed(metadata, issues, feed);
        if (issues.days(date, Optional.of(feed)).isEmpty()) {
            throw new IllegalArgumentException(DqCommand.noInventory(issues, Optional.of(feed), date));
        }
        List<QualityIssues.Issue> found = issues.issues(feed, date);
        if (json()) {
            printJson(
                    out,
                    found.stream()
                            .map(i -> {
                                Map<String, Object> m = new LinkedHashMap<>();
                                m.put("stream", i.stream());
                                m.put("type", i.issueType());
                                m.put("severity", i.severity());
                                m.put("count", i.count());
                                m.put("first_seen", text(i.firstSeen()));
                                m.put("last_seen", text(i.lastSeen()));
                                m.put(
                                        "sample",
                                        i.sample() == null ? null : MarketCommand.SecurityMasterJson.tree(i.sample()));
                                return m;
                            })
                            .toList());
            return 0;
        }
        if (found.isEmpty()) {
            out.println("no quality issues recorded for " + feed + " on " + date);
            return 0;
        }
        TextTable table = TextTable.of("stream", "type", "severity", "count", "first seen", "last seen", "sample");
        for (QualityIssues.Issue i : found) {
            table.row(
                    i.stream(),
                    i.issueType(),
                    i.severity(),
                    i.count(),
                    text(i.firstSeen()),
                    text(i.lastSeen()),
                    abbreviate(i.sample()));
        }
        table.print(out);
        return 0;
    }

    private static String abbreviate(String sample) {
        if (sample == null || sample.length() <= SAMPLE_WIDTH) {
            return sample;
        }
        return sample.substring(0, SAMPLE_WIDTH - 1) + "…";
    }
}
