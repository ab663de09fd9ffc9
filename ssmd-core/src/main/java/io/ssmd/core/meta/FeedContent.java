package io.ssmd.core.meta;

import io.ssmd.core.config.FeedAuth;
import io.ssmd.core.config.FeedDefinition;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a feed version records of a parsed feed file, canonical: two files that parse to the same definition (other
 * comments, key order, {@code 4MiB} against {@code 4194304}) have the same content and the same hash, so re-registering
 * an unchanged feed records nothing.
 *
 * @param protocol                the venue protocol ({@code kalshi}, {@code kraken-futures}, ...)
 * @param endpoint                the market-data WebSocket URL
 * @param authMethod              {@code none} or {@code kalshi-rsa-pss}
 * @param secretRef               the names of the environment variables (or the path of the key file) holding the
 *                                secrets; never a secret's value
 * @param capabilities            the channels subscribed, as a JSON array
 * @param maxSymbolsPerConnection the most instruments one connection carries
 * @param rateLimitPerSecond      the most subscribe requests per second, where the venue limits them
 * @param parserConfig            everything else the connector reads (REST and discovery URLs, frame limit, book
 *                                depth, keepalive, reconnect), as JSON with sorted keys
 * @param hash                    SHA-256 (hex) over all of the above
 */
public record FeedContent(
        String protocol,
        String endpoint,
        String authMethod,
        Optional<String> secretRef,
        String capabilities,
        int maxSymbolsPerConnection,
        Optional<Integer> rateLimitPerSecond,
        String parserConfig,
        String hash) {

    /** The canonical content of a parsed feed file. */
    public static FeedContent of(FeedDefinition feed) {
        String authMethod;
        Optional<String> secretRef;
        if (feed.auth() instanceof FeedAuth.KalshiRsaPss kalshi) {
            authMethod = "kalshi-rsa-pss";
            String key = kalshi.privateKeyFileEnv()
                    .map(env -> "env:" + env)
                    .orElseGet(() -> "file:" + kalshi.privateKeyFile().orElseThrow());
            secretRef = Optional.of("env:" + kalshi.keyIdEnv() + ", " + key);
        } else {
            authMethod = "none";
            secretRef = Optional.empty();
        }
        Map<String, Object> parser = new TreeMap<>();
        feed.endpoints().rest().ifPresent(u -> parser.put("rest", u.toString()));
        feed.endpoints().discovery().ifPresent(u -> parser.put("discovery", u.toString()));
        parser.put("max_frame_bytes", feed.maxFrameBytes());
        feed.book().ifPresent(b -> parser.put("book", Map.of("depth", b.depth(), "allowed_depths", b.allowed())));
        Map<String, Object> keepalive = new TreeMap<>();
        keepalive.put(
                "ping_interval", feed.pingInterval().map(FeedContent::seconds).orElse(null));
        keepalive.put("silence_timeout", seconds(feed.silenceTimeout()));
        feed.keepalive().serverIdleTimeout().ifPresent(d -> keepalive.put("server_idle_timeout", seconds(d)));
        feed.dataSilenceTimeout().ifPresent(d -> keepalive.put("data_silence_timeout", seconds(d)));
        parser.put("keepalive", keepalive);
        Map<String, Object> reconnect = new TreeMap<>();
        reconnect.put("min_backoff", seconds(feed.reconnectMinBackoff()));
        reconnect.put("max_backoff", seconds(feed.reconnectMaxBackoff()));
        reconnect.put("jitter", feed.reconnectJitter());
        feed.scheduledReconnect().ifPresent(d -> reconnect.put("scheduled_interval", seconds(d)));
        parser.put("reconnect", reconnect);

        String capabilities = MetaJson.write(feed.channels());
        String parserConfig = MetaJson.write(parser);
        Optional<Integer> rate = feed.limits().subscribeRatePerSecond().isPresent()
                ? Optional.of(feed.limits().subscribeRatePerSecond().getAsInt())
                : Optional.empty();
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("protocol", feed.venue().id());
        all.put("endpoint", feed.endpoints().websocket().toString());
        all.put("auth_method", authMethod);
        all.put("secret_ref", secretRef.orElse(null));
        all.put("capabilities", feed.channels());
        all.put("max_symbols_per_connection", feed.maxInstrumentsPerConnection());
        all.put("rate_limit_per_second", rate.orElse(null));
        all.put("parser_config", parser);
        return new FeedContent(
                feed.venue().id(),
                feed.endpoints().websocket().toString(),
                authMethod,
                secretRef,
                capabilities,
                feed.maxInstrumentsPerConnection(),
                rate,
                parserConfig,
                sha256(MetaJson.write(new TreeMap<>(all))));
    }

    /** SHA-256 of the UTF-8 text, in lowercase hex. */
    public static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Durations as decimal seconds ({@code "30s"}), so {@code 30s} and {@code 30000ms} are one value. */
    private static String seconds(Duration d) {
        return java.math.BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString() + "s";
    }
}
