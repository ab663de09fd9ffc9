package io.ssmd.feeds.kraken;

import java.util.List;
import java.util.zip.CRC32;

/**
 * The CRC32 that Kraken spot v2 puts on every {@code book} entry (exchanges/PROTOCOLS.md §2.4): over the top 10 asks
 * (price ascending) then the top 10 bids (price descending), each level as its price then its quantity, every number
 * with the {@code .} removed and leading {@code 0}s stripped.
 *
 * <p>It must be fed the numbers' exact wire text: Kraken sends {@code 0.00100000}, not {@code 0.001}, and the
 * trailing zeros are part of the checksummed string. A double round-trip turns {@code 0.00005100} into
 * {@code 5.1E-5} and fails every checksum, so the book has to keep the text it received.
 *
 * <p>Use: {@code new KrakenChecksum().level(p, q)...} for up to 10 asks, then up to 10 bids, then {@link #value()};
 * or {@link #of(List, List)}. Not thread-safe; reusable after {@link #reset()}.
 */
public final class KrakenChecksum {

    /** Levels per side that the checksum covers, whatever the subscribed depth. */
    public static final int LEVELS = 10;

    /** A price level as its wire text. */
    public record Level(String price, String qty) {}

    private final CRC32 crc = new CRC32();
    private byte[] digits = new byte[32];

    /** Starts a new checksum. */
    public KrakenChecksum reset() {
        crc.reset();
        return this;
    }

    /** Adds one level: asks first (best, i.e. lowest, first), then bids (best, i.e. highest, first). */
    public KrakenChecksum level(CharSequence price, CharSequence qty) {
        add(price);
        add(qty);
        return this;
    }

    /** The unsigned 32-bit checksum of the levels added since the last reset. */
    public long value() {
        return crc.getValue();
    }

    /**
     * The checksum of a book.
     *
     * @param asks asks, lowest price first; only the first {@value #LEVELS} count
     * @param bids bids, highest price first; only the first {@value #LEVELS} count
     */
    public static long of(List<Level> asks, List<Level> bids) {
        KrakenChecksum checksum = new KrakenChecksum();
        for (int i = 0; i < Math.min(LEVELS, asks.size()); i++) {
            checksum.level(asks.get(i).price(), asks.get(i).qty());
        }
        for (int i = 0; i < Math.min(LEVELS, bids.size()); i++) {
            checksum.level(bids.get(i).price(), bids.get(i).qty());
        }
        return checksum.value();
    }

    /** The number's digits without the dot and without leading zeros; the text is ASCII, so bytes are chars. */
    private void add(CharSequence number) {
        if (digits.length < number.length()) {
            digits = new byte[number.length() * 2];
        }
        int n = 0;
        for (int i = 0; i < number.length(); i++) {
            char c = number.charAt(i);
            if (c == '.' || (c == '0' && n == 0)) {
                continue;
            }
            digits[n++] = (byte) c;
        }
        crc.update(digits, 0, n);
    }
}
