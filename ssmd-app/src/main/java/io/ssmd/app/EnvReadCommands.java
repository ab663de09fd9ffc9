package io.ssmd.app;

import io.ssmd.core.db.Database;
import io.ssmd.core.db.DatabaseUnavailableException;
import io.ssmd.core.meta.ConfigChange;
import io.ssmd.core.meta.CycleLog;
import io.ssmd.core.meta.Deployment;
import io.ssmd.core.meta.EnvironmentSummary;
import io.ssmd.core.meta.EnvironmentVersion;
import io.ssmd.core.meta.Environments;
import io.ssmd.core.meta.MetaViews;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.UnknownNameException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code env} commands that read what was applied: show, diff, history, list. */
final class EnvReadCommands {

    private EnvReadCommands() {}

    /**
     * Runs {@code body} against the environments, turning the registry's refusals into exit code 1 with the message on
     * stderr (an unknown name says what it probably meant and what exists).
     */
    private static int withEnvironments(
            String command, MetadataOptions meta, CommandSpec spec, Function<Environments, Integer> body) {
        PrintWriter err = spec.commandLine().getErr();
        try (Database db = meta.open(System.getenv())) {
            return body.apply(Environments.of(Metadata.of(db)));
        } catch (UnknownNameException | NoSuchElementException | DatabaseUnavailableException e) {
            err.println("ssmd env " + command + ": " + e.getMessage());
            return 1;
        }
    }

    /** As above, with the daily cycles' rows of the deployment log too. */
    private static int withEnvironments(
            String command,
            MetadataOptions meta,
            CommandSpec spec,
            java.util.function.BiFunction<Environments, CycleLog, Integer> body) {
        PrintWriter err = spec.commandLine().getErr();
        try (Database db = meta.open(System.getenv())) {
            return body.apply(Environments.of(Metadata.of(db)), CycleLog.of(Metadata.of(db)));
        } catch (UnknownNameException | NoSuchElementException | DatabaseUnavailableException e) {
            err.println("ssmd env " + command + ": " + e.getMessage());
            return 1;
        }
    }

    /** TextTable prints to a PrintStream; picocli hands commands a PrintWriter (which tests capture). */
    static void print(TextTable table, PrintWriter out) {
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        table.print(new java.io.PrintStream(buffer, true, java.nio.charset.StandardCharsets.UTF_8));
        out.print(buffer.toString(java.nio.charset.StandardCharsets.UTF_8));
        // print() does not flush an auto-flushing PrintWriter, and main() exits right after the command.
        out.flush();
    }

    private static String shortHash(String hash) {
        return hash.substring(0, 12);
    }

    private static String shortCommit(Optional<String> commit) {
        return commit.map(c -> c.substring(0, Math.min(12, c.length()))).orElse(null);
    }

    @Command(
            name = "show",
            description = "The environment's version in effect now, or at --as-of: who applied it, when, from which"
                    + " file and commit, and its canonical YAML.")
    static final class Show implements Callable<Integer> {

        @Parameters(paramLabel = "NAME", description = "The environment")
        String name;

        @Option(
                names = "--as-of",
                paramLabel = "DATE",
                converter = AsOfConverter.class,
                description = "YYYY-MM-DD (00:00 UTC) or an instant like 2026-12-01T15:30:00Z")
        Instant asOf;

        @Mixin
        MetadataOptions meta;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            return withEnvironments("show", meta, spec, environments -> {
                EnvironmentVersion v = environments.show(name, Optional.ofNullable(asOf));
                if (meta.json) {
                    EnvCommand.printJson(out, EnvCommand.json(v));
                    return 0;
                }
                out.println("environment " + v.environment() + " version " + v.version()
                        + (asOf == null ? " (current)" : " (in effect at " + asOf + ")"));
                out.println("  hash      " + v.configHash());
                out.println("  applied   " + v.deployedAt() + " by " + v.deployedBy() + " from " + v.sourceFile());
                out.println("  git       " + v.gitCommit().orElse("-"));
                out.println("  valid     " + v.validFrom() + " .. "
                        + v.validTo().map(Object::toString).orElse("(open)"));
                out.println();
                out.print(v.configYaml());
                out.flush();
                return 0;
            });
        }
    }

    @Command(
            name = "diff",
            description = "What changed between two versions of an environment, one line per key path:"
                    + " `~ path: old -> new`, `+ path: new`, `- path: old`.")
    static final class Diff implements Callable<Integer> {

        @Parameters(paramLabel = "NAME", description = "The environment")
        String name;

        @Option(names = "--v1", paramLabel = "N", required = true, description = "The older version")
        int from;

        @Option(names = "--v2", paramLabel = "M", required = true, description = "The newer version")
        int to;

        @Mixin
        MetadataOptions meta;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            return withEnvironments("diff", meta, spec, environments -> {
                List<ConfigChange> changes = environments.diff(name, from, to);
                if (meta.json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("environment", name);
                    m.put("from", from);
                    m.put("to", to);
                    m.put("changes", changes.stream().map(EnvCommand::json).toList());
                    EnvCommand.printJson(out, m);
                    return 0;
                }
                out.println("environment " + name + " version " + from + " -> " + to + ": "
                        + (changes.isEmpty()
                                ? "no changes"
                                : changes.size() + (changes.size() == 1 ? " change" : " changes")));
                changes.forEach(c -> out.println("  " + c));
                return 0;
            });
        }
    }

    @Command(
            name = "history",
            description =
                    "Every version of an environment (when it was in effect, who applied it, the commit) and its"
                            + " deployment log (create, apply, node starts, teardown), then the latest daily cycles step by step.")
    static final class History implements Callable<Integer> {

        @Parameters(paramLabel = "NAME", description = "The environment")
        String name;

        @Mixin
        MetadataOptions meta;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            return withEnvironments("history", meta, spec, (environments, cycleLog) -> {
                List<EnvironmentVersion> versions = environments.history(name);
                List<CycleLog.Cycle> cycles = cycleLog.cycles(name, cycleLimit);
                // The cycles' rows are shown with their cycle, below; the log lists everything else.
                java.util.Set<Long> inCycles = new java.util.HashSet<>();
                cycles.forEach(c -> {
                    inCycles.add(c.cycle().id());
                    c.steps().forEach(r -> inCycles.add(r.id()));
                });
                List<Deployment> log = environments.deployments(name).stream()
                        .filter(d -> !inCycles.contains(d.id()))
                        .toList();
                if (meta.json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("environment", name);
                    m.put("versions", versions.stream().map(EnvCommand::json).toList());
                    m.put("deployments", log.stream().map(History::json).toList());
                    m.put("cycles", cycles.stream().map(History::json).toList());
                    EnvCommand.printJson(out, m);
                    return 0;
                }
                TextTable versionTable =
                        TextTable.of("version", "valid_from", "valid_to", "deployed_by", "git", "hash", "source");
                versions.forEach(v -> versionTable.row(
                        v.version(),
                        v.validFrom(),
                        v.validTo().map(Object::toString).orElse(null),
                        v.deployedBy(),
                        shortCommit(v.gitCommit()),
                        shortHash(v.configHash()),
                        v.sourceFile()));
                print(versionTable, out);
                out.println();
                TextTable logTable =
                        TextTable.of("started_at", "action", "version", "status", "trigger", "by", "details");
                log.forEach(d -> logTable.row(
                        d.startedAt(),
                        d.action(),
                        d.version().orElse(null),
                        d.status(),
                        d.trigger(),
                        d.triggeredBy(),
                        d.errorMessage().or(d::details).orElse(null)));
                print(logTable, out);
                if (!cycles.isEmpty()) {
                    out.println();
                    TextTable cycleTable = TextTable.of(
                            "cycle", "step", "status", "started_at", "completed_at", "trigger", "by", "details");
                    for (CycleLog.Cycle c : cycles) {
                        cycleRow(cycleTable, c.cycle().cycleId(), c.cycle());
                        c.steps().forEach(step -> cycleRow(cycleTable, "", step));
                    }
                    print(cycleTable, out);
                }
                return 0;
            });
        }

        @Option(
                names = "--cycles",
                paramLabel = "N",
                defaultValue = "10",
                description =
                        "How many of the latest daily cycles to show, with their steps (default: ${DEFAULT-VALUE})")
        int cycleLimit;

        private static void cycleRow(TextTable table, String cycle, CycleLog.Row r) {
            table.row(
                    cycle,
                    r.action(),
                    r.status(),
                    r.startedAt(),
                    r.completedAt().map(Object::toString).orElse(null),
                    r.trigger(),
                    r.triggeredBy(),
                    r.error().or(r::details).orElse(null));
        }

        static Map<String, Object> json(Deployment d) {
            return MetaViews.deployment(d);
        }

        static Map<String, Object> json(CycleLog.Cycle c) {
            Map<String, Object> m = new LinkedHashMap<>(json(c.cycle()));
            m.put("steps", c.steps().stream().map(History::json).toList());
            return m;
        }

        private static Map<String, Object> json(CycleLog.Row r) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cycle", r.cycleId());
            m.put("action", r.action());
            m.put("status", r.status());
            m.put("startedAt", r.startedAt().toString());
            m.put("completedAt", r.completedAt().map(Object::toString).orElse(null));
            m.put("error", r.error().orElse(null));
            m.put("trigger", r.trigger());
            m.put("triggeredBy", r.triggeredBy());
            m.put("details", r.details().orElse(null));
            return m;
        }
    }

    @Command(name = "list", description = "Every registered environment and its current version.")
    static final class ListEnvironments implements Callable<Integer> {

        @Mixin
        MetadataOptions meta;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            return withEnvironments("list", meta, spec, environments -> {
                List<EnvironmentSummary> all = environments.list();
                if (meta.json) {
                    EnvCommand.printJson(
                            out, all.stream().map(MetaViews::environment).toList());
                    return 0;
                }
                if (all.isEmpty()) {
                    out.println("no environment registered yet: `ssmd env apply FILE` registers one");
                    return 0;
                }
                TextTable table = TextTable.of("name", "status", "version", "deployed_at", "deployed_by", "hash");
                all.forEach(e -> table.row(
                        e.name(),
                        e.status(),
                        e.currentVersion(),
                        e.deployedAt(),
                        e.deployedBy(),
                        shortHash(e.configHash())));
                print(table, out);
                return 0;
            });
        }
    }
}
