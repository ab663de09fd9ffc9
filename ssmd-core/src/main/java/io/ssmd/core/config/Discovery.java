package io.ssmd.core.config;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The feed's instruments come from the venue's discovery API (Kalshi markets, Polymarket Gamma) rather than, or in
 * addition to, a static list.
 *
 * @param maxInstruments the most instruments discovery may add; empty for all it finds
 * @param minVolume      Polymarket: only markets that traded at least this much (USDC, last 24 h)
 * @param minLiquidity   Polymarket: only markets with at least this much liquidity (USDC)
 * @param tags           Polymarket: only markets with one of these Gamma tag ids
 */
public record Discovery(
        OptionalInt maxInstruments,
        Optional<BigDecimal> minVolume,
        Optional<BigDecimal> minLiquidity,
        List<String> tags) {

    public Discovery {
        tags = List.copyOf(tags);
    }

    /** Discovery limited only in number. */
    public Discovery(OptionalInt maxInstruments) {
        this(maxInstruments, Optional.empty(), Optional.empty(), List.of());
    }
}
