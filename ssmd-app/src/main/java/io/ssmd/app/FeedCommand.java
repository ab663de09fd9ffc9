package io.ssmd.app;

import io.ssmd.core.config.FeedDefinition;
import io.ssmd.core.config.FeedFiles;
import io.ssmd.core.meta.Feed;
import io.ssmd.core.meta.FeedCalendar;
import io.ssmd.core.meta.FeedRegistry;
import io.ssmd.core.meta.FeedVersion;
import io.ssmd.core.meta.MetaViews;
import io.ssmd.core.meta.Metadata;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ssmd feed ...}: the feed registry. */
@Command(
        name = "feed",
        description = "The feed registry: every feed, every version of its feed file, as of any date.",
        subcommands = {
            FeedCommand.ListFeeds.class,
            FeedCommand.Show.class,
            FeedCommand.Create.class,
            FeedCommand.Disable.class,
            FeedCommand.Enable.class
        })
final class FeedCommand {

    private static final String HOW_TO_REGISTER =
            "register one with: ssmd feed create NAME --from exchanges/feeds/NAME.yaml";

    @Command(name = "list", description = "Every registered feed with its status and the version in effect.")
    static final class ListFeeds extends MetadataCommand {

        @Option(names = "--status", paramLabel = "S", description = "Only feeds with this status: active or disabled")
        String status;

        @Option(
                names = "--as-of",
                paramLabel = "DATE",
                converter = AsOfConverter.class,
                description = "The versions in effect then (YYYY-MM-DD, UTC, or an instant); default now")
        Instant asOf;

        @Override
        int run(Metadata metadata, PrintWriter out) throws Exception {
            List<Feed.WithVersion> feeds =
                    new FeedRegistry(metadata).list(Optional.ofNullable(status), Optional.ofNullable(asOf));
            if (json()) {
                printJson(
                        out,
                        feeds.stream().map(f -> summary(f.feed(), f.version())).toList());
                return 0;
            }
            if (feeds.isEmpty()) {
                out.println("no feed is registered" + (status == null ? "" : " with status " + status) + "; "
                        + HOW_TO_REGISTER);
                return 0;
            }
            TextTable table = TextTable.of("feed", "venue", "status", "version", "effective from", "endpoint");
            for (Feed.WithVersion f : feeds) {
                table.row(
                        f.feed().name(),
                        f.feed().venue(),
                        f.feed().status(),
                        f.version().map(FeedVersion::version).orElse(null),
                        f.version().map(v -> v.effectiveFrom().toString()).orElse(null),
                        f.version().map(FeedVersion::endpoint).orElse(null));
            }
            table.print(out);
            return 0;
        }
    }

    @Command(
            name = "show",
            description = "One feed: the version in effect (now or --as-of), its calendar, its history.")
    static final class Show extends MetadataCommand {

        @Parameters(paramLabel = "NAME", description = "The feed")
        String name;

        @Option(
                names = "--as-of",
                paramLabel = "DATE",
                converter = AsOfConverter.class,
                description = "The version in effect then (YYYY-MM-DD, UTC, or an instant); default now")
        Instant asOf;

        @Override
        int run(Metadata metadata, PrintWriter out) throws Exception {
            FeedRegistry registry = new FeedRegistry(metadata);
            Feed feed = registry.feed(name);
            Optional<FeedVersion> version = registry.version(name, Optional.ofNullable(asOf));
            List<FeedVersion> history = registry.history(name);
            Optional<FeedCalendar> calendar = registry.calendar(name, Optional.ofNullable(asOf));
            if (version.isEmpty()) {
                error("feed '" + name + "' had no version at " + asOf + ": its first version is in effect from "
                        + history.get(0).effectiveFrom());
                return 1;
            }
            if (json()) {
                printJson(out, MetaViews.feedDetail(feed, version, calendar, history));
                return 0;
            }
            FeedVersion v = version.get();
            TextTable fields = TextTable.of("field", "value");
            fields.row("feed", feed.name())
                    .row("venue", feed.venue())
                    .row(
                            "status",
                            feed.status()
                                    + feed.disabledAt().map(t -> " since " + t).orElse(""))
                    .row("version", v.version() + (asOf == null ? "" : " (as of " + asOf + ")"))
                    .row(
                            "effective",
                            v.effectiveFrom() + " .. "
                                    + v.effectiveTo().map(Instant::toString).orElse("open"))
                    .row("protocol", v.protocol())
                    .row("endpoint", v.endpoint())
                    .row("auth_method", v.authMethod())
                    .row("secret_ref", v.secretRef().orElse(null))
                    .row("capabilities", String.join(", ", v.channels()))
                    .row("max_symbols_per_connection", Integer.toString(v.maxSymbolsPerConnection()))
                    .row(
                            "rate_limit_per_second",
                            v.rateLimitPerSecond().map(Object::toString).orElse(null))
                    .row("parser_config", v.parserConfig())
                    .row("content_hash", v.contentHash())
                    .row("source_file", v.sourceFile().orElse(null))
                    .row(
                            "calendar",
                            calendar.map(c -> c.schedule() + " " + c.timezone()).orElse(null));
            fields.print(out);
            out.println();
            TextTable versions = TextTable.of("version", "effective from", "effective to", "endpoint", "content hash");
            for (FeedVersion h : history) {
                versions.row(
                        h.version(),
                        h.effectiveFrom().toString(),
                        h.effectiveTo().map(Instant::toString).orElse("open"),
                        h.endpoint(),
                        h.contentHash().substring(0, 12));
            }
            versions.print(out);
            return 0;
        }
    }

    @Command(
            name = "create",
            description = "Register a feed from its feed file; records a new version only when the parsed content"
                    + " changed (the previous version is closed).")
    static final class Create extends MetadataCommand {

        @Parameters(paramLabel = "NAME", description = "The feed; the file's name: must equal it")
        String name;

        @Option(
                names = "--from",
                paramLabel = "FILE",
                required = true,
                description = "The feed file, e.g. exchanges/feeds/kalshi.yaml")
        Path file;

        @Override
        int run(Metadata metadata, PrintWriter out) throws Exception {
            // Checked before the database is touched for writing: a bad file records nothing.
            FeedDefinition definition = FeedFiles.read(file, name);
            FeedRegistry registry = new FeedRegistry(metadata);
            FeedRegistry.Registration r = registry.register(definition, Instant.now());
            Feed feed = registry.feed(name);
            if (json()) {
                Map<String, Object> shown = new LinkedHashMap<>();
                shown.put("feed", r.feed());
                shown.put("version", r.version());
                shown.put("recorded", r.recorded());
                shown.put("content_hash", r.contentHash());
                shown.put("status", feed.status());
                printJson(out, shown);
                return 0;
            }
            out.println(
                    r.recorded()
                            ? "feed " + name + ": version " + r.version() + " recorded from " + file + " (content "
                                    + r.contentHash().substring(0, 12) + ")"
                            : "feed " + name + ": unchanged, version " + r.version() + " stays in effect (content "
                                    + r.contentHash().substring(0, 12) + ")");
            if (feed.status().equals(Feed.DISABLED)) {
                out.println("feed " + name + " is disabled");
            }
            return 0;
        }
    }

    @Command(name = "disable", description = "Disable a feed: it keeps its history but is no longer active.")
    static final class Disable extends MetadataCommand {

        @Parameters(paramLabel = "NAME", description = "The feed")
        String name;

        @Override
        int run(Metadata metadata, PrintWriter out) throws Exception {
            boolean changed = new FeedRegistry(metadata).disable(name, Instant.now());
            if (json()) {
                printJson(out, Map.of("feed", name, "status", Feed.DISABLED, "changed", changed));
            } else {
                out.println(changed ? "feed " + name + " disabled" : "feed " + name + " was already disabled");
            }
            return 0;
        }
    }

    @Command(name = "enable", description = "Enable a disabled feed again: it is active from now on, with its history.")
    static final class Enable extends MetadataCommand {

        @Parameters(paramLabel = "NAME", description = "The feed")
        String name;

        @Override
        int run(Metadata metadata, PrintWriter out) throws Exception {
            boolean changed = new FeedRegistry(metadata).enable(name);
            if (json()) {
                printJson(out, Map.of("feed", name, "status", Feed.ACTIVE, "changed", changed));
            } else {
                out.println(changed ? "feed " + name + " enabled" : "feed " + name + " was already active");
            }
            return 0;
        }
    }

    private static Map<String, Object> summary(Feed feed, Optional<FeedVersion> version) {
        return MetaViews.feed(feed, version);
    }
}
