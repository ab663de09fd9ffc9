package io.ssmd.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ssmd.core.config.ConfigError;
import io.ssmd.core.config.ConfigException;
import io.ssmd.core.db.Database;
import io.ssmd.core.db.DatabaseUnavailableException;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.UnknownNameException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every {@code feed} and {@code schema} command does around its own work: open the database the way a node does,
 * print to picocli's writers (so tests capture them), and turn the registry's refusals into exit codes: 1 with the
 * message on stderr for an unknown name, an invalid file or an unreachable database.
 */
abstract class MetadataCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Mixin
    MetadataOptions options;

    @Spec
    CommandSpec spec;

    /** The command's work; returns the exit code. */
    abstract int run(Metadata metadata, PrintWriter out) throws Exception;

    @Override
    public final Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Database db = options.open(System.getenv())) {
            int code = run(Metadata.of(db), out);
            out.flush();
            return code;
        } catch (UnknownNameException | DatabaseUnavailableException | IllegalArgumentException e) {
            err.println(prefix() + e.getMessage());
            return 1;
        } catch (ConfigException e) {
            for (ConfigError error : e.errors()) {
                err.println("✗ " + error);
            }
            err.println(prefix() + e.errors().size() + (e.errors().size() == 1 ? " error" : " errors"));
            return 1;
        } finally {
            err.flush();
        }
    }

    boolean json() {
        return options.json;
    }

    void printJson(PrintWriter out, Object value) throws JsonProcessingException {
        out.println(JSON.writeValueAsString(value));
    }

    void error(String message) {
        spec.commandLine().getErr().println(prefix() + message);
    }

    private String prefix() {
        return spec.qualifiedName() + ": ";
    }

    static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    /**
     * {@code --as-of}: a day ({@code 2026-12-01}, meaning its start in UTC) or an instant ({@code
     * 2026-12-01T12:00:00Z}). Anything else is a usage error (exit 2).
     */
    static final class AsOfConverter implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return value.contains("T")
                        ? Instant.parse(value)
                        : LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a date: expected YYYY-MM-DD"
                        + " (the start of that day, UTC) or an instant like 2026-12-01T12:00:00Z");
            }
        }
    }

    /** {@code --date}: a day, {@code YYYY-MM-DD}. Anything else is a usage error (exit 2). */
    static final class DateConverter implements CommandLine.ITypeConverter<LocalDate> {
        @Override
        public LocalDate convert(String value) {
            try {
                return LocalDate.parse(value);
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a date: expected YYYY-MM-DD, e.g. 2026-12-01");
            }
        }
    }
}
