package io.ssmd.http.gateway;

import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.Ticker;
import io.ssmd.core.model.Trade;
import java.util.Optional;

/**
 * What {@code /v1/markets/{feed}/{id}} shows about an instrument: a copy, taken under the gateway's lock.
 *
 * @param alias the other symbol it answers to (a Polymarket condition id), or empty
 * @param shard the shard carrying it, when known
 * @param book  the current book's best levels, when the gateway keeps a book for it
 */
public record MarketInfo(
        String feed,
        String instrument,
        Optional<String> alias,
        Optional<String> shard,
        Optional<Ticker> lastTicker,
        Optional<Trade> lastTrade,
        Optional<BookSnapshot> book) {}
