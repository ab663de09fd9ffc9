package io.ssmd.core.meta;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One version of a feed: what its feed file said from {@code effectiveFrom} until {@code effectiveTo} (empty: still in
 * effect). The columns are those of {@link FeedContent}.
 *
 * @param sourceFile the feed file it was registered from
 */
public record FeedVersion(
        String feedName,
        int version,
        Instant effectiveFrom,
        Optional<Instant> effectiveTo,
        String protocol,
        String endpoint,
        String authMethod,
        Optional<String> secretRef,
        String capabilities,
        int maxSymbolsPerConnection,
        Optional<Integer> rateLimitPerSecond,
        String parserConfig,
        String contentHash,
        Optional<String> sourceFile) {

    /** The channels, from the {@code capabilities} JSON array. */
    public List<String> channels() {
        return MetaJson.stringList(capabilities);
    }
}
