package io.ssmd.app;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.meta.Market;
import io.ssmd.core.meta.MarketChange;
import io.ssmd.core.meta.MarketRecord;
import io.ssmd.core.meta.MetaViews;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.core.meta.UnknownNameException;
import io.ssmd.core.settings.NodeConfig;
import io.ssmd.core.settings.SecmasterSettings;
import io.ssmd.feeds.SecmasterSync;
import io.ssmd.feeds.VenueRest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ssmd market ...}: the security master (docs/secmaster.md). */
@Command(
        name = "market",
        description = "The security master: every instrument of every synced feed, with its history.",
        subcommands = {MarketCommand.ListMarkets.class, MarketCommand.Show.class, MarketCommand.Sync.class})
final class MarketCommand {

    private static final String HOW_TO_SYNC = "fill it with: ssmd market sync [--feed F] [--env FILE]";

    @Command(
            name = "list",
            description = "Markets, by feed and instrument: all of them, or those the options select; as of a date.")
    static final class ListMarkets extends MetadataCommand {

        @Option(names = "--feed", paramLabel = "F", description = "Only this feed's markets")
        String feed;

        @Option(
                names = "--status",
                paramLabel = "S",
                description = "Only markets with this status: upcoming, active, halted, closed, settled or removed")
        String status;

        @Option(names = "--category", paramLabel = "C", description = "Only this category (case-insensitive)")
        String category;

        @Option(
                names = "--search",
                paramLabel = "TEXT",
                description = "Only markets whose instrument, title, venue id, alias, event or series contains TEXT")
        String search;

        @Option(
                names = "--as-of",
                paramLabel = "DATE",
                converter = AsOfConverter.class,
                description = "The markets that existed then, with the values they had (YYYY-MM-DD, UTC, or an"
                        + " instant); default now")
        Instant asOf;

        @Option(names = "--limit", paramLabel = "N", description = "Print at most N markets (default: all)")
        Integer limit;

        @Override
        int run(Metadata metadata, PrintWriter out) throws Exception {
            SecurityMaster master = new SecurityMaster(metadata);
            if (category != null) {
                List<String> categories = master.categories(Optional.ofNullable(feed));
                if (categories.stream().noneMatch(c -> c.equalsIgnoreCase(category))) {
                    throw new UnknownNameException("category", category, categories);
                }
            }
            List<Market> markets = master.list(new SecurityMaster.Filter(
                    Optional.ofNullable(feed),
                    Optional.ofNullable(status),
                    Optional.ofNullable(category),
                    Optional.ofNullable(search),
                    Optional.ofNullable(asOf)));
            int total = markets.size();
            if (limit != null && limit >= 0 && markets.size() > limit) {
                markets = markets.subList(0, limit);
            }
            if (json()) {
                printJson(out, markets.stream().map(MarketCommand::summary).toList());
                return 0;
            }
            if (markets.isEmpty()) {
                out.println(
                        master.feeds().isEmpty()
                                ? "the security master holds no market; " + HOW_TO_SYNC
                                : "no market matches");
                return 0;
            }
            TextTable table = TextTable.of("feed", "instrument", "status", "category", "close", "title");
            for (Market m : markets) {
                MarketRecord r = m.market();
                table.row(
                        m.feed(), m.instrument(), r.status(), r.category(), text(r.closeTime()), abbreviate(r.title()));
            }
            table.print(out);
            out.println(
                    markets.size() == total
                            ? total + (total == 1 ? " market" : " markets")
                            : markets.size() + " of " + total + " markets (--limit)");
            return 0;
        }
    }

    @Command(name = "show", description = "One market: every field, and with --history every change of it.")
    static final class Show extends MetadataCommand {

        @Parameters(index = "0", paramLabel = "FEED", description = "The feed")
        String feed;

        @Parameters(
                index = "1",
                paramLabel = "ID",
                description = "The instrument as the venue's WebSocket spells it, its venue id or an alias")
        String id;

        @Option(names = "--history", description = "Also every change of every field, oldest first")
        boolean history;

        @Override
        int run(Metadata metadata, PrintWriter out) throws Exception {
            SecurityMaster master = new SecurityMaster(metadata);
            Market market = master.show(feed, id);
            List<MarketChange> changes = history ? master.history(market) : List.of();
            var subscription = master.subscriptions().find(market.feed(), market.instrument());
            if (json()) {
                Map<String, Object> shown = summary(market);
                shown.put("raw", SecurityMasterJson.tree(market.market().raw()));
                shown.put("subscription", io.ssmd.core.meta.MetaViews.subscription(subscription));
                if (history) {
                    shown.put(
                            "history",
                            changes.stream().map(MarketCommand::change).toList());
                }
                printJson(out, shown);
                return 0;
            }
            TextTable fields = TextTable.of("field", "value");
            fields.row("feed", market.feed()).row("instrument", market.instrument());
            market.market().fields().forEach(fields::row);
            fields.row("created_at", text(market.createdAt()))
                    .row("updated_at", text(market.updatedAt()))
                    .row("last_seen_at", text(market.lastSeenAt()))
                    .row("raw", abbreviate(market.market().raw(), 200));
            // What the feed manager last saw of its subscription: "-" when no manager has placed it.
            fields.row(
                            "subscription",
                            subscription
                                    .map(x -> x.state() + " (" + (x.shard() == null ? "no shard" : x.shard()) + ", "
                                            + x.attempts() + " refusals, " + text(x.updatedAt()) + ")")
                                    .orElse("-"))
                    .row("subscribe_error", subscription.map(x -> x.lastError()).orElse(null));
            fields.print(out);
            if (history) {
                out.println();
                if (changes.isEmpty()) {
                    out.println("no change since " + market.createdAt());
                } else {
                    TextTable table = TextTable.of("changed at", "field", "old", "new");
                    changes.forEach(c -> table.row(text(c.changedAt()), c.field(), c.oldValue(), c.newValue()));
                    table.print(out);
                }
            }
            return 0;
        }
    }

    @Command(
            name = "sync",
            description = "Reads every (or one) feed's venue REST API and stores its markets: the open ones and those"
                    + " closed within ssmd.secmaster.closed-within. Progress on stderr, a summary per feed.")
    static final class Sync extends MetadataCommand {

        @Option(names = "--feed", paramLabel = "F", description = "Only this feed of the environment (repeatable)")
        List<String> feeds;

        @Option(
                names = "--env",
                paramLabel = "FILE",
                description = "The environment whose enabled feeds are synced (default: ssmd.environment-file)")
        Path envFile;

        @Override
        int run(Metadata metadata, PrintWriter out) throws Exception {
            Map<String, String> env = System.getenv();
            Path file = envFile != null ? envFile : options.settings(env).environmentFile();
            Environment environment = EnvironmentLoader.load(file, env);
            List<String> names =
                    environment.feeds().stream().map(EnabledFeed::name).toList();
            List<EnabledFeed> chosen = new ArrayList<>();
            if (feeds == null || feeds.isEmpty()) {
                chosen.addAll(environment.feeds());
            } else {
                for (String name : feeds) {
                    chosen.add(environment
                            .feed(name)
                            .orElseThrow(() -> new UnknownNameException("feed of " + file, name, names)));
                }
            }
            SecmasterSettings settings =
                    SecmasterSettings.create(NodeConfig.load(Optional.ofNullable(options.configFile), env));
            SecurityMaster master = new SecurityMaster(metadata);
            PrintWriter err = spec.commandLine().getErr();
            List<Map<String, Object>> results = new ArrayList<>();
            TextTable table =
                    TextTable.of("feed", "markets", "created", "updated", "unchanged", "removed", "history", "seconds");
            int failed = 0;
            for (EnabledFeed feed : chosen) {
                long start = System.nanoTime();
                err.println("syncing " + feed.name() + " from "
                        + feed.definition()
                                .endpoints()
                                .discoveryBase()
                                .map(Object::toString)
                                .orElse("-"));
                err.flush();
                try {
                    SecurityMaster.SyncCounts counts = new SecmasterSync(master, f -> VenueRest.create(settings))
                            .sync(feed, line -> {
                                err.println("  " + line);
                                err.flush();
                            });
                    double seconds = Duration.ofNanos(System.nanoTime() - start).toMillis() / 1000.0;
                    table.row(
                            feed.name(),
                            counts.seen(),
                            counts.created(),
                            counts.updated(),
                            counts.unchanged(),
                            counts.removed(),
                            counts.historyRows(),
                            String.format("%.1f", seconds));
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("feed", feed.name());
                    r.put("markets", counts.seen());
                    r.put("created", counts.created());
                    r.put("updated", counts.updated());
                    r.put("unchanged", counts.unchanged());
                    r.put("removed", counts.removed());
                    r.put("history_rows", counts.historyRows());
                    r.put("seconds", seconds);
                    results.add(r);
                } catch (VenueRest.RestException | IllegalStateException | IllegalArgumentException e) {
                    failed++;
                    error("feed " + feed.name() + " not synced (nothing of it removed): " + e.getMessage());
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("feed", feed.name());
                    r.put("error", e.getMessage());
                    results.add(r);
                }
            }
            if (json()) {
                printJson(out, results);
            } else {
                table.print(out);
            }
            return failed == 0 ? 0 : 1;
        }
    }

    static Map<String, Object> summary(Market m) {
        return MetaViews.market(m);
    }

    static Map<String, Object> change(MarketChange c) {
        return MetaViews.marketChange(c);
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    private static String abbreviate(String s) {
        return abbreviate(s, 60);
    }

    private static String abbreviate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** JSON text stored in the database, as a tree so that {@code --json} nests it instead of quoting it. */
    static final class SecurityMasterJson {

        private SecurityMasterJson() {}

        static Object tree(String text) {
            return MetaViews.parsedOrText(text);
        }
    }
}
