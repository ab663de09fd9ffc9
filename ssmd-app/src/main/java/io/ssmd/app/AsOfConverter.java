package io.ssmd.app;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An as-of instant from the command line: {@code 2026-12-01} (the start of that UTC day) or an ISO instant
 * ({@code 2026-12-01T15:30:00Z}). Anything else is a usage error (exit 2).
 */
final class AsOfConverter implements ITypeConverter<Instant> {

    @Override
    public Instant convert(String value) {
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + value
                    + "' is not a date; expected YYYY-MM-DD (00:00 UTC that day) or an instant like"
                    + " 2026-12-01T15:30:00Z");
        }
    }
}
