package io.ssmd.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ssmd.core.config.ConfigError;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.config.ValidationReport;
import io.ssmd.core.db.Database;
import io.ssmd.core.db.DatabaseUnavailableException;
import io.ssmd.core.meta.CanonicalConfig;
import io.ssmd.core.meta.ConfigChange;
import io.ssmd.core.meta.Deployer;
import io.ssmd.core.meta.EnvironmentPlan;
import io.ssmd.core.meta.EnvironmentVersion;
import io.ssmd.core.meta.Environments;
import io.ssmd.core.meta.FeedRegistry;
import io.ssmd.core.meta.MetaViews;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.RegistryReferences;
import io.ssmd.core.meta.SchemaRegistry;
import io.ssmd.core.settings.NodeSettings;
import io.ssmd.node.ShippedSchemas;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ssmd env ...}: environment files and their applied versions (DESIGN §14). Every command that names an
 * environment checks it against the database first; exit codes are 0 ok, 1 validation or runtime failure, 2 usage.
 */
@Command(
        name = "env",
        description = "Environments: validate a file, apply it as a new version, and read what was applied when.",
        subcommands = {
            EnvCommand.Validate.class,
            EnvCommand.Create.class,
            EnvCommand.Apply.class,
            EnvReadCommands.Show.class,
            EnvReadCommands.Diff.class,
            EnvReadCommands.History.class,
            EnvReadCommands.ListEnvironments.class,
            EnvTeardownCommand.class
        })
final class EnvCommand {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Where the registry's checks of feed and schema references come from. The feed registry replaces this with its
     * own (feed exists and is active, schema versions active); until then feed names are checked against the files.
     */
    /**
     * The registry check: against the feed and schema registries when a database is open, else against the feed files
     * alone.
     */
    static RegistryReferences registryReferences(Optional<Database> db) {
        return db.map(d -> {
                    Metadata metadata = Metadata.of(d);
                    return RegistryReferences.registry(
                            new FeedRegistry(metadata), new SchemaRegistry(metadata), ShippedSchemas.definitions());
                })
                .orElseGet(RegistryReferences::feedFiles);
    }

    static void printJson(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> json(EnvironmentVersion v) {
        return MetaViews.environmentVersion(v);
    }

    static Map<String, Object> json(ConfigChange c) {
        return MetaViews.change(c);
    }

    static Map<String, Object> json(FeedRegistry.Registration r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("feed", r.feed());
        m.put("version", r.version());
        m.put("recorded", r.recorded());
        m.put("content_hash", r.contentHash());
        return m;
    }

    /**
     * Validates the file for create and apply: the loader's checks, no secret value, references against the registry.
     * Prints the failures on {@code err}.
     */
    static Optional<Loaded> load(Path file, PrintWriter err) {
        ValidationReport report = EnvironmentLoader.validate(file, System.getenv());
        List<String> failures = new ArrayList<>();
        report.errors().forEach(e -> failures.add(e.toString()));
        Optional<CanonicalConfig> config = Optional.empty();
        try {
            config = Optional.of(CanonicalConfig.of(file));
        } catch (IllegalArgumentException e) {
            failures.add(e.getMessage());
        }
        report.environment()
                .ifPresent(env -> failures.addAll(
                        RegistryReferences.feedFiles().check(env).failures()));
        if (!failures.isEmpty()) {
            failures.forEach(f -> err.println("✗ " + f));
            err.println(failures.size() + (failures.size() == 1 ? " error" : " errors") + " in " + file
                    + ": nothing was recorded");
            return Optional.empty();
        }
        return Optional.of(new Loaded(report.environment().orElseThrow(), config.orElseThrow()));
    }

    record Loaded(Environment environment, CanonicalConfig config) {}

    static Deployer deployer(Path file) {
        return new Deployer(
                Operator.who(), "cli", file.toAbsolutePath().normalize().toString(), Operator.gitCommit(file));
    }

    @Command(
            name = "validate",
            description = "Check an environment file and the feed files it uses: one ✓ line per check passed, or the"
                    + " errors (file, key path, what is expected). When the database and NATS are reachable it also"
                    + " checks secrets, storage, streams and registry references, and says what `env apply` would"
                    + " record. Exit code 0 when valid, 1 otherwise.")
    static final class Validate implements Callable<Integer> {

        @Parameters(paramLabel = "FILE", description = "The environment YAML, e.g. exchanges/environments/default.yaml")
        Path file;

        @Mixin
        MetadataOptions meta;

        @Option(names = "--offline", description = "Check the files only: no database, no NATS")
        boolean offline;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ValidationReport report = EnvironmentLoader.validate(file, System.getenv());
            report.passed().forEach(line -> out.println("✓ " + line));
            report.errors().forEach(error -> err.println("✗ " + error));
            int failures = report.errors().size();
            if (report.ok() && !offline) {
                failures += preflight(report.environment().orElseThrow(), out, err);
            }
            out.flush();
            if (failures > 0) {
                err.println(failures + (failures == 1 ? " error" : " errors") + " in " + file);
                return 1;
            }
            out.println(file + " is valid");
            return 0;
        }

        private int preflight(Environment environment, PrintWriter out, PrintWriter err) {
            List<String> skipped = new ArrayList<>();
            NodeSettings settings = meta.settings(System.getenv());
            Optional<Database> db = EnvironmentPreflight.openDatabase(settings, skipped);
            try {
                EnvironmentPreflight.Report report = EnvironmentPreflight.check(
                        file, environment, Optional.of(settings), db, registryReferences(db));
                report.passed().forEach(line -> out.println("✓ " + line));
                skipped.addAll(report.skipped());
                skipped.forEach(line -> out.println("- " + line));
                report.failures().forEach(line -> err.println("✗ " + line));
                return report.failures().size();
            } finally {
                db.ifPresent(Database::close);
            }
        }

        /** The file checks alone, as before the database existed (kept for callers that have no database). */
        static int validate(Path file, Map<String, String> env, PrintStream out, PrintStream err) {
            ValidationReport report = EnvironmentLoader.validate(file, env);
            report.passed().forEach(line -> out.println("✓ " + line));
            for (ConfigError error : report.errors()) {
                err.println("✗ " + error);
            }
            if (!report.ok()) {
                err.println(
                        report.errors().size() + (report.errors().size() == 1 ? " error" : " errors") + " in " + file);
                return 1;
            }
            out.println(file + " is valid");
            return 0;
        }
    }

    @Command(
            name = "create",
            description = "Register a new environment from its file as version 1 (validated first). An environment"
                    + " that exists is changed with `env apply`.")
    static final class Create implements Callable<Integer> {

        @Parameters(paramLabel = "NAME", description = "The environment name; must equal the file's `name`")
        String name;

        @Option(names = "--from", paramLabel = "FILE", required = true, description = "The environment YAML")
        Path file;

        @Mixin
        MetadataOptions meta;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<Loaded> loaded = load(file, err);
            if (loaded.isEmpty()) {
                return 1;
            }
            if (!loaded.get().environment().name().equals(name)) {
                err.println("ssmd env create: " + file + " names environment '"
                        + loaded.get().environment().name() + "', not '" + name + "'; pass that name or fix `name:`");
                return 1;
            }
            try (Database db = meta.open(System.getenv())) {
                EnvironmentVersion v = Environments.of(Metadata.of(db))
                        .create(name, loaded.get().config(), deployer(file));
                if (meta.json) {
                    printJson(out, json(v));
                } else {
                    out.println("created environment " + name + " version 1 (hash "
                            + v.configHash().substring(0, 12) + ", by " + v.deployedBy()
                            + v.gitCommit().map(c -> ", git " + c).orElse("") + ")");
                }
                return 0;
            } catch (IllegalStateException e) { // also DatabaseUnavailableException
                err.println("ssmd env create: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(
            name = "apply",
            description = "Validate a file, show the plan (new environment, unchanged, or exactly what changes), ask"
                    + " `Proceed? [y/N]` unless --yes, then record it as the environment's new version with its hash,"
                    + " git commit, who and when, and log it. Running nodes notice the new version.")
    static final class Apply implements Callable<Integer> {

        @Parameters(paramLabel = "FILE", description = "The environment YAML")
        Path file;

        @Option(names = "--yes", description = "Do not ask; required when there is no terminal")
        boolean yes;

        @Mixin
        MetadataOptions meta;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<Loaded> loaded = load(file, err);
            if (loaded.isEmpty()) {
                return 1;
            }
            String name = loaded.get().environment().name();
            try (Database db = meta.open(System.getenv())) {
                List<String> refused = registryReferences(Optional.of(db))
                        .check(loaded.get().environment())
                        .failures();
                if (!refused.isEmpty()) {
                    refused.forEach(f -> err.println("✗ " + f));
                    err.println(refused.size() + (refused.size() == 1 ? " error" : " errors") + " in " + file
                            + ": nothing was recorded");
                    return 1;
                }
                Environments environments = Environments.of(Metadata.of(db));
                FeedRegistry feeds = new FeedRegistry(Metadata.of(db));
                List<FeedRegistry.Plan> feedPlans = loaded.get().environment().feeds().stream()
                        .map(f -> feeds.plan(f.definition()))
                        .toList();
                boolean feedsChange = feedPlans.stream().anyMatch(p -> p.pending() != FeedRegistry.Pending.UNCHANGED);
                EnvironmentPlan plan = environments.plan(name, loaded.get().config());
                if (plan.kind() == EnvironmentPlan.Kind.UNCHANGED && !feedsChange) {
                    EnvironmentVersion current = plan.current().orElseThrow();
                    if (meta.json) {
                        printJson(out, Map.of("plan", "unchanged", "version", json(current)));
                    } else {
                        out.println("unchanged: environment " + name + " is at version " + current.version()
                                + " with this content (hash "
                                + current.configHash().substring(0, 12)
                                + "); nothing to record");
                    }
                    return 0;
                }
                if (!meta.json) {
                    printPlan(plan, out);
                    printFeedPlan(feedPlans, out);
                }
                out.flush();
                if (!Operator.confirm(yes, err)) {
                    return 1;
                }
                // The feed files first: the environment version recorded next refers to the feed versions in effect.
                Instant now = Instant.now();
                List<FeedRegistry.Registration> registered = loaded.get().environment().feeds().stream()
                        .map(f -> feeds.register(f.definition(), now))
                        .toList();
                Environments.Applied applied =
                        environments.apply(name, loaded.get().config(), deployer(file), "apply");
                EnvironmentVersion v = applied.version();
                if (meta.json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("plan", plan.kind().name().toLowerCase(java.util.Locale.ROOT));
                    m.put(
                            "changes",
                            applied.plan().changes().stream()
                                    .map(EnvCommand::json)
                                    .toList());
                    m.put("version", json(v));
                    m.put("feeds", registered.stream().map(EnvCommand::json).toList());
                    printJson(out, m);
                } else {
                    registered.stream()
                            .filter(FeedRegistry.Registration::recorded)
                            .forEach(r -> out.println("registered: feed " + r.feed() + " version " + r.version()
                                    + " (content " + r.contentHash().substring(0, 12) + ")"));
                    out.println((applied.changed() ? "applied: environment " : "unchanged: environment ")
                            + name + " version " + v.version() + " (hash "
                            + v.configHash().substring(0, 12) + ", by " + v.deployedBy() + " at " + v.deployedAt()
                            + v.gitCommit().map(c -> ", git " + c).orElse("") + ")");
                }
                return 0;
            } catch (DatabaseUnavailableException e) {
                err.println("ssmd env apply: " + e.getMessage());
                return 1;
            }
        }

        /** One line per feed file that `apply` registers as a new feed or a new version; nothing when none. */
        private static void printFeedPlan(List<FeedRegistry.Plan> plans, PrintWriter out) {
            for (FeedRegistry.Plan p : plans) {
                switch (p.pending()) {
                    case NEW_FEED ->
                        out.println("  feed " + p.feed() + ": new in the feed registry, version 1 (content "
                                + p.contentHash().substring(0, 12) + ")");
                    case NEW_VERSION ->
                        out.println("  feed " + p.feed() + ": feed file changed, new version " + p.version()
                                + " (content " + p.contentHash().substring(0, 12) + ")");
                    case UNCHANGED -> {}
                }
            }
        }

        private static void printPlan(EnvironmentPlan plan, PrintWriter out) {
            if (plan.kind() == EnvironmentPlan.Kind.UNCHANGED) {
                out.println("plan: environment " + plan.name() + " unchanged at version "
                        + plan.current().orElseThrow().version() + "; feed registry:");
                return;
            }
            if (plan.kind() == EnvironmentPlan.Kind.NEW_ENVIRONMENT) {
                out.println("plan: new environment " + plan.name() + ", version 1 (hash "
                        + plan.proposed().hash().substring(0, 12) + ")");
                return;
            }
            out.println("plan: environment " + plan.name() + " version "
                    + plan.current().orElseThrow().version()
                    + " -> " + plan.nextVersion() + ", " + plan.changes().size()
                    + (plan.changes().size() == 1 ? " change:" : " changes:"));
            plan.changes().forEach(c -> out.println("  " + c));
        }
    }
}
