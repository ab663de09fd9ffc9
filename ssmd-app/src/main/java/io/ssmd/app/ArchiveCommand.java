package io.ssmd.app;

import io.ssmd.archive.ArchiveVerifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
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
                    + " size and MD5, record counts, sequence continuity except at recorded gaps, no sequence twice. Exit code 0"
                    + " when consistent, 1 on any inconsistency.")
    static final class Verify implements Callable<Integer> {

        @Parameters(
                paramLabel = "DIR",
                description = "An archive root, or any directory in one (a feed, a stream, a" + " day)")
        Path dir;

        @Override
        public Integer call() {
            return verify(dir, System.out, System.err);
        }

        static int verify(Path dir, PrintStream out, PrintStream err) {
            ArchiveVerifier.Report report;
            try {
                report = ArchiveVerifier.verify(dir);
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
