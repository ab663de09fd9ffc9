package io.ssmd.feeds.kalshi;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.ShardContext;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kalshi subjects are built once per type and market, yet a market whose category comes later moves to it. */
class KalshiSubjectsTest {

    private static final String MARKET = "KXETHD-26FEB1217-T1819.99";

    private final Map<String, String> discovered = new HashMap<>();
    private final KalshiDecoder decoder = KalshiDecoder.create(
            ShardContext.of("test", "kalshi", "kalshi-0", List.of(MARKET)),
            KalshiDecoderGoldenTest.settings(),
            discovered::get);

    private String subject(String type) {
        String frame = "{\"type\":\"" + type + "\",\"sid\":3,\"msg\":{\"market_ticker\":\"" + MARKET
                + "\",\"yes_price_dollars\":\"0.5\"}}";
        Decoded decoded = decoder.decode(frame.getBytes(StandardCharsets.UTF_8));
        assertThat(decoded.kind()).isEqualTo(Decoded.Kind.DATA);
        return decoded.messages().get(0).subject();
    }

    @Test
    void aMarketsSubjectIsBuiltOnceAndFollowsItsCategoryWhenDiscoveryLearnsIt() {
        String uncategorized = subject("trade");
        assertThat(uncategorized).isEqualTo("test.kalshi.uncategorized.json.trade.KXETHD-26FEB1217-T1819_99");
        // Not built again per frame (the same instance), but its category is still looked up each time.
        assertThat(subject("trade")).isSameAs(uncategorized);

        discovered.put(MARKET, "Crypto");
        String crypto = subject("trade");
        assertThat(crypto).isEqualTo("test.kalshi.crypto.json.trade.KXETHD-26FEB1217-T1819_99");
        assertThat(subject("trade")).isSameAs(crypto);
        assertThat(subject("ticker")).isEqualTo("test.kalshi.crypto.json.ticker.KXETHD-26FEB1217-T1819_99");
    }
}
