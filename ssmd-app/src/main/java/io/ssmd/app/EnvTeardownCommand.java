package io.ssmd.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamInfo;
import io.ssmd.core.Secrets;
import io.ssmd.core.db.Database;
import io.ssmd.core.db.DatabaseUnavailableException;
import io.ssmd.core.meta.Deployment;
import io.ssmd.core.meta.EnvironmentVersion;
import io.ssmd.core.meta.Environments;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.UnknownNameException;
import io.ssmd.core.settings.NodeSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ssmd env teardown NAME}: deletes an environment's JetStream streams (every stream on the server whose subjects
 * all lie under {@code {env}.}, DESIGN §4) and, only with {@code --delete-archive}, its archive directories
 * ({@code {archive-root}/{env}}), which may hold the only copy of the data. It lists exactly what it will delete
 * first; {@code --dry-run} stops there. The environment's versions and log stay in the database, for the record.
 */
@Command(
        name = "teardown",
        description = "Delete an environment's NATS streams and, with --delete-archive, its archive directories,"
                + " after listing exactly what will be deleted and asking (unless --yes). --dry-run deletes nothing.")
final class EnvTeardownCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = "The environment")
    String name;

    @Option(names = "--dry-run", description = "List what would be deleted, delete nothing")
    boolean dryRun;

    @Option(
            names = "--delete-archive",
            description = "Also delete the archive directories {archive-root}/{env} (they may hold the only copy)")
    boolean deleteArchive;

    @Option(
            names = "--date",
            paramLabel = "D",
            description = "With --delete-archive: only that UTC day's archive directories, and no stream (streams are"
                    + " not per day)")
    LocalDate date;

    @Option(names = "--yes", description = "Do not ask; required when there is no terminal")
    boolean yes;

    @Mixin
    MetadataOptions meta;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (date != null && !deleteArchive) {
            throw new ParameterException(
                    spec.commandLine(), "--date narrows --delete-archive to one day; pass --delete-archive too");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        NodeSettings settings = meta.settings(System.getenv());
        try (Database db = Database.open(settings.db())) {
            Environments environments = Environments.of(Metadata.of(db));
            EnvironmentVersion current = environments
                    .latest(name)
                    .orElseThrow(() -> new UnknownNameException("environment", name, environments.names()));
            List<String> skipped = new ArrayList<>();
            Optional<Connection> connection =
                    date != null ? Optional.empty() : EnvironmentPreflight.connectNats(settings, skipped);
            if (date == null && connection.isEmpty()) {
                err.println("ssmd env teardown: cannot list the streams of " + name + ": " + String.join("; ", skipped)
                        + "; nothing was deleted");
                return 1;
            }
            try {
                List<String> streams = connection.isPresent() ? streams(connection.get()) : List.of();
                List<Path> archive = deleteArchive ? archiveDirectories(current) : List.of();
                print(streams, archive, out);
                if (dryRun) {
                    environments.log(log(current, "dry_run", Optional.empty(), streams, archive));
                    out.println("dry run: nothing was deleted");
                    return 0;
                }
                if (streams.isEmpty() && archive.isEmpty()) {
                    out.println("nothing to delete");
                    return 0;
                }
                out.flush();
                if (!Operator.confirm(yes, err)) {
                    return 1;
                }
                try {
                    delete(connection, streams, archive, out);
                } catch (IOException | JetStreamApiException e) {
                    environments.log(log(current, "failed", Optional.of(e.getMessage()), streams, archive));
                    err.println("ssmd env teardown: " + e.getMessage());
                    return 1;
                }
                environments.log(log(current, "succeeded", Optional.empty(), streams, archive));
                if (date == null) {
                    environments.markTornDown(name);
                }
                out.println("deleted " + streams.size() + (streams.size() == 1 ? " stream" : " streams") + " and "
                        + archive.size() + " archive " + (archive.size() == 1 ? "directory" : "directories"));
                return 0;
            } finally {
                connection.ifPresent(EnvTeardownCommand::closeQuietly);
            }
        } catch (UnknownNameException | DatabaseUnavailableException e) {
            err.println("ssmd env teardown: " + e.getMessage());
            return 1;
        } catch (IOException | JetStreamApiException e) {
            err.println("ssmd env teardown: cannot list what to delete (" + e.getMessage() + "); nothing was deleted");
            return 1;
        }
    }

    /** The streams on the server whose every subject lies under {@code {env}.}: the environment's and no one else's. */
    private List<String> streams(Connection nats) throws IOException, JetStreamApiException {
        List<String> names = new ArrayList<>();
        for (StreamInfo info : nats.jetStreamManagement().getStreams()) {
            List<String> subjects = info.getConfiguration().getSubjects();
            if (!subjects.isEmpty() && subjects.stream().allMatch(s -> s.startsWith(name + "."))) {
                names.add(info.getConfiguration().getName());
            }
        }
        names.sort(Comparator.naturalOrder());
        return names;
    }

    /**
     * {@code {root}/{env}} for the storage root and every archiver's own root in the version's YAML, or, with a date,
     * {@code {root}/{env}/{feed}/{stream}/{date}}; only those that exist.
     */
    private List<Path> archiveDirectories(EnvironmentVersion version) throws IOException {
        JsonNode tree = version.config().tree();
        Set<Path> roots = new LinkedHashSet<>();
        roots.add(Path.of(tree.path("storage").path("archive-root").asText("./data/archive")));
        tree.path("archivers").forEach(a -> {
            if (a.has("archive-root")) {
                roots.add(Path.of(a.get("archive-root").asText()));
            }
        });
        List<Path> dirs = new ArrayList<>();
        for (Path root : roots) {
            Path env = root.resolve(name).toAbsolutePath().normalize();
            if (!Files.isDirectory(env)) {
                continue;
            }
            if (date == null) {
                dirs.add(env);
                continue;
            }
            try (Stream<Path> days = Files.find(
                    env,
                    3,
                    (p, a) -> a.isDirectory()
                            && p.getFileName().toString().equals(date.toString())
                            && env.relativize(p).getNameCount() == 3)) {
                days.sorted().forEach(dirs::add);
            }
        }
        return dirs;
    }

    private void print(List<String> streams, List<Path> archive, PrintWriter out) {
        out.println((dryRun ? "would delete" : "will delete") + " from environment " + name + ":");
        streams.forEach(s -> out.println("  stream " + s));
        archive.forEach(d -> out.println("  archive directory " + d));
        if (streams.isEmpty() && archive.isEmpty()) {
            out.println("  (nothing)");
        }
        if (!deleteArchive) {
            out.println("  (archive kept: pass --delete-archive to delete it too)");
        }
        if (date != null) {
            out.println("  (streams kept: --date deletes one day of the archive only)");
        }
    }

    private void delete(Optional<Connection> nats, List<String> streams, List<Path> archive, PrintWriter out)
            throws IOException, JetStreamApiException {
        if (!streams.isEmpty()) {
            JetStreamManagement jsm = nats.orElseThrow().jetStreamManagement();
            for (String stream : streams) {
                jsm.deleteStream(stream);
                out.println("deleted stream " + stream);
            }
        }
        for (Path dir : archive) {
            try (Stream<Path> tree = Files.walk(dir)) {
                for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
            out.println("deleted archive directory " + dir);
        }
    }

    private Deployment log(
            EnvironmentVersion current,
            String status,
            Optional<String> error,
            List<String> streams,
            List<Path> archive) {
        Map<String, Object> what = new LinkedHashMap<>();
        what.put("streams", streams);
        what.put("archive", archive.stream().map(Path::toString).toList());
        if (date != null) {
            what.put("date", date.toString());
        }
        Instant now = Instant.now();
        return new Deployment(
                0,
                name,
                Optional.of(current.version()),
                "teardown",
                status,
                now,
                Optional.of(now),
                error.map(Secrets::redactUrl),
                "cli",
                Operator.who(),
                Optional.of(what.toString()));
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
