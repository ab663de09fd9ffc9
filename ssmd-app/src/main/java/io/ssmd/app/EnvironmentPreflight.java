package io.ssmd.app;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.ssmd.core.Secrets;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.UploadSettings;
import io.ssmd.core.db.Database;
import io.ssmd.core.db.DatabaseUnavailableException;
import io.ssmd.core.meta.CanonicalConfig;
import io.ssmd.core.meta.EnvironmentPlan;
import io.ssmd.core.meta.Environments;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.RegistryReferences;
import io.ssmd.core.nats.NatsConnections;
import io.ssmd.core.nats.StreamSetup;
import io.ssmd.core.nats.StreamSetupException;
import io.ssmd.core.settings.NatsAuth;
import io.ssmd.core.settings.NodeSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The checks of {@code env validate} beyond the file itself (issue 14 item 4): secrets present, storage reachable,
 * streams that exist or can be created on the NATS server, references against the registry, and what applying the
 * file would record. Each check that cannot run (no database, no NATS server reachable) says it was skipped, and why.
 */
final class EnvironmentPreflight {

    /** The outcome: lines that passed, failed, or were skipped. */
    record Report(List<String> passed, List<String> failures, List<String> skipped) {

        boolean ok() {
            return failures.isEmpty();
        }
    }

    private final List<String> passed = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();

    private EnvironmentPreflight() {}

    static Report check(
            Path file,
            Environment environment,
            Optional<NodeSettings> settings,
            Optional<Database> database,
            RegistryReferences registry) {
        EnvironmentPreflight p = new EnvironmentPreflight();
        p.secrets(file, environment);
        p.storage(environment);
        settings.ifPresentOrElse(
                s -> p.streams(s, environment), () -> p.skipped.add("streams: no node settings to find NATS"));
        RegistryReferences.Report refs = registry.check(environment);
        p.passed.addAll(refs.passed());
        p.failures.addAll(refs.failures());
        database.ifPresentOrElse(db -> p.plan(file, environment, db), () -> {});
        return new Report(p.passed, p.failures, p.skipped);
    }

    /** Opens the database the settings name, or says why not (validate works without one). */
    static Optional<Database> openDatabase(NodeSettings settings, List<String> skipped) {
        Optional<Path> embeddedFile = embeddedFile(settings.db().url());
        if (embeddedFile.isPresent() && !Files.exists(embeddedFile.get())) {
            // Validating must not leave a new database behind where no node or command has made one.
            skipped.add("database checks: no embedded database at " + embeddedFile.get()
                    + " yet (no node has run with this data directory)");
            return Optional.empty();
        }
        try {
            return Optional.of(Database.open(settings.db()));
        } catch (DatabaseUnavailableException e) {
            skipped.add("database checks: " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * A connection to the NATS server the node uses (the configured URL, else the embedded server's port on
     * loopback), or empty when none answers within a few seconds.
     */
    static Optional<Connection> connectNats(NodeSettings settings, List<String> skipped) {
        String url = natsUrl(settings);
        NatsAuth auth = settings.nats().url().isPresent() ? settings.nats().auth() : NatsAuth.None.INSTANCE;
        try {
            return Optional.of(Nats.connect(NatsConnections.options(url, auth, "ssmd-cli", Duration.ofMillis(100))
                    .maxReconnects(0)
                    .connectionTimeout(Duration.ofSeconds(3))
                    .build()));
        } catch (IOException e) {
            skipped.add("skipped: no NATS reachable at " + Secrets.redactUrl(url) + " (" + e.getMessage() + ")");
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            skipped.add("skipped: interrupted while connecting to NATS");
            return Optional.empty();
        }
    }

    /** The H2 file a {@code jdbc:h2:file:} URL names ({@code .mv.db} added), if it names one. */
    static Optional<Path> embeddedFile(String url) {
        String prefix = "jdbc:h2:file:";
        if (!url.startsWith(prefix)) {
            return Optional.empty();
        }
        int options = url.indexOf(';');
        String path = url.substring(prefix.length(), options < 0 ? url.length() : options);
        return Optional.of(Path.of(path + ".mv.db"));
    }

    static String natsUrl(NodeSettings settings) {
        return settings.nats()
                .url()
                .orElse("nats://127.0.0.1:" + settings.nats().embedded().port());
    }

    private void secrets(Path file, Environment environment) {
        List<String> names = new ArrayList<>();
        for (EnabledFeed feed : environment.feeds()) {
            feed.credentials()
                    .ifPresent(c -> names.add(
                            feed.name() + " credentials (key id and private key file " + c.privateKeyFile() + ")"));
        }
        environment
                .storage()
                .upload()
                .map(UploadSettings::credentials)
                .ifPresent(c -> names.add("S3 credentials from " + c.source()));
        passed.add(
                names.isEmpty()
                        ? "secrets: none needed"
                        : "secrets present: " + String.join("; ", names) + " (values not shown)");
        try {
            CanonicalConfig.of(file);
            passed.add("no secret value in " + file + ": it names variables and files only, so it may be stored");
        } catch (IllegalArgumentException e) {
            failures.add(e.getMessage());
        }
    }

    private void storage(Environment environment) {
        Set<Path> roots = new LinkedHashSet<>();
        roots.add(environment.storage().archiveRoot());
        environment.archivers().forEach(a -> roots.add(a.storage().archiveRoot()));
        for (Path root : roots) {
            Path existing = root.toAbsolutePath().normalize();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing != null && Files.isDirectory(existing) && Files.isWritable(existing)) {
                passed.add("archive root " + root + " is writable"
                        + (existing.equals(root.toAbsolutePath().normalize())
                                ? ""
                                : " (created at startup under " + existing + ")"));
            } else {
                failures.add("archive root " + root + " is not writable"
                        + (existing == null ? "" : " (" + existing + " is not a writable directory)"));
            }
        }
        environment.storage().upload().ifPresent(u -> {
            try (io.ssmd.archive.RemoteArchive remote = io.ssmd.archive.RemoteArchive.open(u)) {
                remote.checkBucket();
                passed.add("S3 bucket " + u.bucket() + " is reachable");
            } catch (java.io.IOException | RuntimeException e) {
                failures.add("S3 " + io.ssmd.core.Secrets.redactUrl(String.valueOf(e.getMessage())));
            }
        });
    }

    private void streams(NodeSettings settings, Environment environment) {
        Optional<Connection> connection = connectNats(settings, skipped);
        if (connection.isEmpty()) {
            return;
        }
        try (Connection nats = connection.get()) {
            Map<String, StreamSetup.Preview> plan = new StreamSetup(nats.jetStreamManagement())
                    .preview(environment.streams(), environment.publishableSubjects());
            plan.forEach((name, preview) -> passed.add(
                    switch (preview.outcome()) {
                        case CREATED -> "stream " + name + " does not exist yet: it can be created";
                        case UPDATED ->
                            "stream " + name + " exists and will be updated: "
                                    + String.join(", ", preview.differences());
                        case UNCHANGED -> "stream " + name + " exists as configured";
                    }));
        } catch (StreamSetupException e) {
            failures.add("streams: " + e.getMessage());
        } catch (IOException e) {
            failures.add("streams: cannot reach JetStream on " + Secrets.redactUrl(natsUrl(settings)) + ": "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void plan(Path file, Environment environment, Database db) {
        try {
            EnvironmentPlan plan = Environments.of(Metadata.of(db)).plan(environment.name(), CanonicalConfig.of(file));
            passed.add("database " + db.url() + ": "
                    + switch (plan.kind()) {
                        case NEW_ENVIRONMENT ->
                            "environment " + environment.name() + " is not registered yet; applying creates version 1";
                        case UNCHANGED ->
                            "environment " + environment.name() + " is at version " + plan.nextVersion()
                                    + " with this content";
                        case NEW_VERSION ->
                            "applying records version " + plan.nextVersion() + " of " + environment.name() + " ("
                                    + plan.changes().size() + " changes)";
                    });
        } catch (IllegalArgumentException e) {
            // A secret in the file: reported by the secrets check already.
        }
    }
}
