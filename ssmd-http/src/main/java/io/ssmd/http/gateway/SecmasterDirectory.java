package io.ssmd.http.gateway;

import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.SecurityMaster;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** The security master as the gateway's {@link InstrumentDirectory}: one query per subscribe, on the blocking executor. */
public final class SecmasterDirectory implements InstrumentDirectory {

    private final SecurityMaster master;
    private final Executor blocking;

    /** @param blocking where the query runs: the node's {@code ssmd-blocking-dispatcher} */
    public SecmasterDirectory(Metadata metadata, Executor blocking) {
        this.master = new SecurityMaster(metadata);
        this.blocking = blocking;
    }

    @Override
    public CompletionStage<Map<String, Set<String>>> live(Collection<String> feeds, Collection<String> symbols) {
        return CompletableFuture.supplyAsync(() -> master.liveSymbols(feeds, symbols), blocking);
    }
}
