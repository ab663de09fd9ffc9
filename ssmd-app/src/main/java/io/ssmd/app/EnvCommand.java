package io.ssmd.app;

import io.ssmd.core.config.ConfigError;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.config.ValidationReport;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ssmd env ...}: work with environment files. */
@Command(
        name = "env",
        description = "Work with environment files.",
        subcommands = {EnvCommand.Validate.class})
final class EnvCommand {

    @Command(
            name = "validate",
            description =
                    "Check an environment file and the feed files it uses: one ✓ line per"
                            + " check passed, or the errors (file, key path, what is expected). Exit code 0 when valid, 1 otherwise.")
    static final class Validate implements Callable<Integer> {

        @Parameters(paramLabel = "FILE", description = "The environment YAML, e.g. exchanges/environments/default.yaml")
        Path file;

        @Override
        public Integer call() {
            return validate(file, System.getenv(), System.out, System.err);
        }

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
}
