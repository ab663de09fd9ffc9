package io.ssmd.feeds.kraken;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A second Kraken book checksum, written apart from {@link KrakenChecksum} to check it: string replace and strip
 * rather than a byte scan, sorting by decimal value here rather than trusting the caller's order, and a bitwise
 * CRC-32 (the ISO-HDLC polynomial, reflected) rather than {@link java.util.zip.CRC32}. It follows
 * exchanges/tools/kraken_checksum.py step by step.
 */
final class IndependentChecksum {

    private static final long POLYNOMIAL = 0xEDB88320L;

    private IndependentChecksum() {}

    /** price or qty text → its checksum token: {@code 0.00100000} → {@code 100000}. */
    static String token(String number) {
        String digits = number.replace(".", "");
        int first = 0;
        while (first < digits.length() && digits.charAt(first) == '0') {
            first++;
        }
        return digits.substring(first);
    }

    /**
     * @param bids price text → qty text, any order
     * @param asks price text → qty text, any order
     */
    static long of(Map<String, String> bids, Map<String, String> asks) {
        Comparator<Map.Entry<String, String>> byPrice = Comparator.comparing(e -> new BigDecimal(e.getKey()));
        List<Map.Entry<String, String>> topAsks =
                asks.entrySet().stream().sorted(byPrice).limit(10).toList();
        List<Map.Entry<String, String>> topBids =
                bids.entrySet().stream().sorted(byPrice.reversed()).limit(10).toList();
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, String> level : topAsks) {
            text.append(token(level.getKey())).append(token(level.getValue()));
        }
        for (Map.Entry<String, String> level : topBids) {
            text.append(token(level.getKey())).append(token(level.getValue()));
        }
        return crc32(text.toString());
    }

    /** Bit by bit, as the polynomial division is usually explained, with no table. */
    static long crc32(String ascii) {
        long crc = 0xFFFFFFFFL;
        for (int i = 0; i < ascii.length(); i++) {
            crc ^= ascii.charAt(i) & 0xFF;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLYNOMIAL : crc >>> 1;
            }
        }
        return crc ^ 0xFFFFFFFFL;
    }
}
