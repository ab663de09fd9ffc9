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
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.RegistryReferences;
import io.ssmd.core.settings.NodeSettings;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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
    static RegistryReferences registryReferences() {
        return RegistryReferences.feedFiles();
    }

    static void printJson(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> json(EnvironmentVersion v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("environment", v.environment());
        m.put("version", v.version());
        m.put("config_hash", v.configHash());
        m.put("source_file", v.sourceFile());
        m.put("deployed_at", v.deployedAt().toString());
        m.put("deployed_by", v.deployedBy());
        m.put("git_commit", v.gitCommit().orElse(null));
        m.put("valid_from", v.validFrom().toString());
        m.put("valid_to", v.validTo().map(Object::toString).orElse(null));
        m.put("config_yaml", v.configYaml());
        return m;
    }

    static Map<String, Object> json(ConfigChange c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", c.path());
        m.put("before", c.before().orElse(null));
        m.put("after", c.after().orElse(null));
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
                .ifPresent(
                        env -> failures.addAll(registryReferences().check(env).failures()));
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
                EnvironmentPreflight.Report report =
                        EnvironmentPreflight.check(file, environment, Optional.of(settings), db, registryReferences());
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
                Environments environments = Environments.of(Metadata.of(db));
                EnvironmentPlan plan = environments.plan(name, loaded.get().config());
                if (plan.kind() == EnvironmentPlan.Kind.UNCHANGED) {
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
                }
                out.flush();
                if (!Operator.confirm(yes, err)) {
                    return 1;
                }
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
                    printJson(out, m);
                } else {
                    out.println("applied: environment " + name + " version " + v.version() + " (hash "
                            + v.configHash().substring(0, 12) + ", by " + v.deployedBy() + " at " + v.deployedAt()
                            + v.gitCommit().map(c -> ", git " + c).orElse("") + ")");
                }
                return 0;
            } catch (DatabaseUnavailableException e) {
                err.println("ssmd env apply: " + e.getMessage());
                return 1;
            }
        }

        private static void printPlan(EnvironmentPlan plan, PrintWriter out) {
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
