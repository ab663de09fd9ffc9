package io.ssmd.app;

import io.ssmd.archive.ArchiveVerifier;
import io.ssmd.archive.RemoteArchive;
import io.ssmd.core.config.ArchiverSpec;
import io.ssmd.core.config.ConfigException;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.config.UploadSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ssmd archive ...}: check archive files. */
@Command(
        name = "archive",
        description = "Work with archive files.",
        subcommands = {ArchiveCommand.Verify.class})
final class ArchiveCommand {

    @Command(
            name = "verify",
            description = "Check every file under DIR against its manifest: gzip/zstd integrity,"
                    + " size and MD5, record counts, sequence continuity except at recorded gaps, no sequence twice; with"
                    + " --remote, also the bucket: every file marked uploaded is there with its size and SHA-256, every"
                    + " segment object is in a manifest. Exit code 0 when consistent, 1 on any inconsistency.",
            mixinStandardHelpOptions = true)
    static final class Verify implements Callable<Integer> {

        @Parameters(
                paramLabel = "DIR",
                description = "An archive root, or any directory in one (a feed, a stream, a" + " day)")
        Path dir;

        @Option(
                names = "--remote",
                description = "Compare the bucket with the manifests too (the upload target of --env)")
        boolean remote;

        @Option(
                names = "--env",
                paramLabel = "FILE",
                description = "The environment YAML whose storage.upload names the bucket (with --remote)")
        Path envFile;

        @Override
        public Integer call() {
            if (!remote) {
                return verify(dir, Optional.empty(), System.out, System.err);
            }
            return verifyRemote(dir, envFile, System.getenv(), System.out, System.err);
        }

        /** {@code --remote}: the bucket is the upload target of the archiver of {@code envFile} that writes to DIR. */
        static int verifyRemote(Path dir, Path envFile, Map<String, String> env, PrintStream out, PrintStream err) {
            if (envFile == null) {
                err.println("ssmd archive verify: --remote needs --env FILE (the environment naming the bucket)");
                return 2;
            }
            Path target = dir.toAbsolutePath().normalize();
            Optional<UploadSettings> upload;
            try {
                upload = EnvironmentLoader.load(envFile, env).archivers().stream()
                        .map(ArchiverSpec::storage)
                        .filter(s -> s.upload().isPresent())
                        .filter(s -> {
                            Path root = s.archiveRoot().toAbsolutePath().normalize();
                            return target.startsWith(root) || root.startsWith(target);
                        })
                        .findFirst()
                        .flatMap(s -> s.upload());
            } catch (ConfigException e) {
                err.println("ssmd archive verify: " + e.getMessage());
                return 2;
            }
            if (upload.isEmpty()) {
                err.println(
                        "ssmd archive verify: no archiver of " + envFile + " with storage.upload archives to " + dir);
                return 2;
            }
            return verify(dir, upload, out, err);
        }

        static int verify(Path dir, PrintStream out, PrintStream err) {
            return verify(dir, Optional.empty(), out, err);
        }

        static int verify(Path dir, Optional<UploadSettings> upload, PrintStream out, PrintStream err) {
            ArchiveVerifier.Report report;
            try (RemoteArchive remote = upload.map(RemoteArchive::open).orElse(null)) {
                report = ArchiveVerifier.verify(dir, Optional.ofNullable(remote));
            } catch (IOException e) {
                err.println("ssmd archive verify: cannot read " + dir + ": " + e.getMessage());
                return 1;
            }
            for (ArchiveVerifier.StreamSummary s : report.streams()) {
                out.printf(
                        "%s: %d days, %d files, %,d records (%s), seqs %d..%d, gaps %s%s%s%n",
                        s.streamDir(),
                        s.days(),
                        s.files(),
                        s.records(),
                        s.recordsByType().entrySet().stream()
                                .map(e -> e.getKey() + " " + e.getValue())
                                .collect(Collectors.joining(", ")),
                        s.firstSeq(),
                        s.lastSeq(),
                        gaps(s.gaps()),
                        s.failedMessages() > 0
                                ? ", " + s.failedMessages() + " messages received but never stored (publish_failed)"
                                : "",
                        s.notLocal() > 0
                                ? ", " + s.notLocal() + " files only in the bucket (checked by manifest)"
                                : "");
            }
            if (report.ok()) {
                out.println("archive is consistent");
                return 0;
            }
            report.problems().forEach(p -> err.println("✗ " + p));
            err.println(report.problems().size()
                    + (report.problems().size() == 1 ? " inconsistency" : " inconsistencies") + " under " + dir);
            return 1;
        }

        private static String gaps(Map<String, Integer> gaps) {
            return gaps.isEmpty()
                    ? "none"
                    : gaps.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(", "));
        }
    }
}
