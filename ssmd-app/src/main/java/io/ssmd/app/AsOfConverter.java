package io.ssmd.app;

import io.ssmd.core.meta.AsOf;
import java.time.Instant;
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
            return AsOf.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
