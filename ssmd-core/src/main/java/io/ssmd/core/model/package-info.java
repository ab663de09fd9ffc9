/**
 * The normalized market-data model (DESIGN §8): one shape for every venue, shared by the gateway, replay and
 * export. Prices and sizes are {@link java.math.BigDecimal}s made from the wire text, never {@code double}s.
 * Normalizers ({@link io.ssmd.core.model.Normalizer}, one per venue in ssmd-feeds) turn a published message into
 * these records; the raw message stays the truth.
 */
package io.ssmd.core.model;
