package io.ssmd.archive;

import java.util.Optional;

/**
 * What a subject says about its message, for the manifest's counts (DESIGN §4): market data
 * {@code {env}.{feed}[.{category}].json.{type}.{token}}, control {@code {env}.{feed}.control.{event}.{shard}}, ssmd's
 * own {@code {env}.{feed}.ssmd.book.{token}}.
 *
 * @param type   {@code trade}, {@code system}, {@code control}, {@code ssmd.book} …: the manifest's records-by-type key
 * @param ticker the instrument token of a market-data subject; empty for system, unparsed, control
 * @param event  the control event, for control subjects
 */
public record SubjectParts(String type, Optional<String> ticker, Optional<String> event) {

    public static SubjectParts of(String subject) {
        String[] t = subject.split("\\.");
        for (int i = 2; i < t.length; i++) {
            if (t[i].equals("json") && i + 1 < t.length) {
                String type = t[i + 1];
                boolean instrument = i + 2 < t.length && !type.equals("system") && !type.equals("unparsed");
                return new SubjectParts(type, instrument ? Optional.of(t[i + 2]) : Optional.empty(), Optional.empty());
            }
        }
        if (t.length >= 4 && t[2].equals("control")) {
            return new SubjectParts("control", Optional.empty(), Optional.of(t[3]));
        }
        if (t.length >= 4 && t[2].equals("ssmd")) {
            return new SubjectParts("ssmd." + t[3], Optional.empty(), Optional.empty());
        }
        return new SubjectParts("other", Optional.empty(), Optional.empty());
    }
}
