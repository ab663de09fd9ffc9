package io.ssmd.http.gateway;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * The best bid and ask of an instrument as this node's gateway has them now, and when they last changed: from its book
 * where the feed sends one, else from its last ticker (whose sizes a venue may leave out).
 *
 * @param atMicros when the book last changed (the receive time of the message applied last) or the ticker's time,
 *                 epoch µs
 * @param source   {@code book} or {@code ticker}
 */
public record TopOfBook(
        String feed,
        String instrument,
        Optional<BigDecimal> bid,
        Optional<BigDecimal> bidSize,
        Optional<BigDecimal> ask,
        Optional<BigDecimal> askSize,
        long atMicros,
        String source) {}
