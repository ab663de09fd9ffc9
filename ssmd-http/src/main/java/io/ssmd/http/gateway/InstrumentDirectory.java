package io.ssmd.http.gateway;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where the gateway learns, before any data of a market arrived, that a symbol names a live market: the security
 * master (DESIGN §15), which knows a Polymarket condition id as the venue id of both its tokens.
 */
@FunctionalInterface
public interface InstrumentDirectory {

    /** A directory that knows nothing: the gateway accepts only what shards carry or streams showed. */
    InstrumentDirectory NONE = (feeds, symbols) -> CompletableFuture.completedFuture(Map.of());

    /**
     * Which of {@code symbols} name a market of one of {@code feeds} that has not ended (by its id or its venue id).
     *
     * @return feed → the symbols found
     */
    CompletionStage<Map<String, Set<String>>> live(Collection<String> feeds, Collection<String> symbols);
}
