package io.ssmd.core.config;

import java.util.OptionalInt;

/**
 * The feed's instruments come from the venue's discovery API (Kalshi markets, Polymarket Gamma) rather than, or in
 * addition to, a static list.
 *
 * @param maxInstruments the most instruments discovery may add; empty for all it finds
 */
public record Discovery(OptionalInt maxInstruments) {
}
