package io.ssmd.feeds.kalshi;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Tolerant readers for Kalshi's numbers (PROTOCOLS.md §1.6): dollar strings and {@code _fp} counts of any number
 * of decimals ({@code "0.96"}, {@code "0.9600"}, {@code "0.960"}), the legacy integer cents and integer counts that
 * vanished on 2026-03-12 but fill older archives, and either a string or a JSON number where the docs disagree.
 * Always decimals from the wire text, never doubles.
 */
final class KalshiNumbers {

    private KalshiNumbers() {}

    /** A decimal from a string or a number; empty when absent, null or not a number. */
    static Optional<BigDecimal> decimal(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Optional.empty();
        }
        try {
            if (node.isTextual()) {
                String text = node.asText().trim();
                return text.isEmpty() ? Optional.empty() : Optional.of(new BigDecimal(text));
            }
            // The decoder's mapper reads floats as BigDecimal, so a JSON number keeps its exact text value.
            return node.isNumber() ? Optional.of(node.decimalValue()) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A price in dollars: the {@code dollars} field, else the legacy {@code cents} field divided by 100. */
    static Optional<BigDecimal> dollars(JsonNode parent, String dollarsField, String centsField) {
        Optional<BigDecimal> dollars = decimal(parent.get(dollarsField));
        return dollars.isPresent() ? dollars : decimal(parent.get(centsField)).map(c -> c.movePointLeft(2));
    }

    /** A whole number from a number or a numeric string ({@code seq}, {@code sid}, {@code id}); empty otherwise. */
    static OptionalLong whole(JsonNode node) {
        if (node == null) {
            return OptionalLong.empty();
        }
        if (node.isIntegralNumber()) {
            return OptionalLong.of(node.asLong());
        }
        if (node.isTextual()) {
            try {
                return OptionalLong.of(Long.parseLong(node.asText().trim()));
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
    }
}
