package io.ssmd.core.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.config.FeedDefinition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When an instrument counts as quiet, and how often a shard may resubscribe one; times are given, not waited for. */
class InstrumentLivenessTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 1_000 * SECOND;
    private static final FeedDefinition.Liveness SETTINGS =
            new FeedDefinition.Liveness(Map.of("book", Duration.ofSeconds(10)), Duration.ofMinutes(5), 2);
    private static final ShardContext SHARD =
            ShardContext.of("prod", "kraken", "kraken-0", List.of("BTC/USD", "ETH/USD", "SOL/USD"));

    /** Kraken's mapping: book data on orderbook subjects; trades are not watched here. */
    private static final VenueConnector CONNECTOR = new VenueConnector() {
        @Override
        public String venue() {
            return "kraken";
        }

        @Override
        public ConnectTarget target() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> subscribe(List<String> instruments) {
            return List.of();
        }

        @Override
        public Optional<String> keepalive() {
            return Optional.empty();
        }

        @Override
        public Optional<String> subjectType(String channel) {
            return channel.equals("book") ? Optional.of("orderbook") : Optional.empty();
        }

        @Override
        public FrameDecoder decoder(ShardContext shard) {
            throw new UnsupportedOperationException();
        }
    };

    private static String book(String instrument) {
        return SHARD.marketData("orderbook", instrument);
    }

    private static InstrumentLiveness liveness() {
        return InstrumentLiveness.of(SETTINGS, CONNECTOR, SHARD, T0);
    }

    @Test
    void anInstrumentQuietWhileItsSiblingsStreamIsReportedOncePerQuietTime() {
        InstrumentLiveness liveness = liveness();
        for (long t = T0; t <= T0 + 25 * SECOND; t += SECOND) {
            liveness.seen(book("BTC/USD"), t);
            liveness.seen(book("SOL/USD"), t);
            liveness.seen(SHARD.marketData("trade", "ETH/USD"), t);
            if (t == T0) {
                liveness.seen(book("ETH/USD"), t);
            }
        }

        assertThat(liveness.check(T0 + 10 * SECOND, 0)).isEmpty();
        assertThat(liveness.check(T0 + 11 * SECOND, 0)).singleElement().satisfies(q -> {
            assertThat(q.instrument()).isEqualTo("ETH/USD");
            assertThat(q.channel()).isEqualTo("book");
            assertThat(q.quietSeconds()).isEqualTo(11.0);
        });
        assertThat(liveness.check(T0 + 15 * SECOND, 0)).isEmpty();
        assertThat(liveness.check(T0 + 22 * SECOND, 0)).singleElement();
    }

    @Test
    void nobodyIsQuietWhenTheWholeChannelIsQuietOrBeforeTheVenueSpoke() {
        InstrumentLiveness liveness = liveness();
        assertThat(liveness.check(T0 + 60 * SECOND, 0)).isEmpty();

        liveness.seen(book("BTC/USD"), T0 + SECOND);
        liveness.seen(book("SOL/USD"), T0 + SECOND);
        liveness.seen(book("ETH/USD"), T0 + SECOND);
        assertThat(liveness.check(T0 + 30 * SECOND, 0)).isEmpty();
    }

    @Test
    void aRefusedInstrumentAndTimeBeforeThePublishWindowDrainedDoNotCount() {
        InstrumentLiveness liveness = liveness();
        liveness.seen(book("BTC/USD"), T0);
        liveness.seen(book("BTC/USD"), T0 + 20 * SECOND);
        liveness.refused("SOL/USD");

        assertThat(liveness.check(T0 + 21 * SECOND, T0 + 15 * SECOND)).isEmpty();
        assertThat(liveness.check(T0 + 26 * SECOND, T0 + 15 * SECOND))
                .extracting(InstrumentLiveness.Quiet::instrument)
                .containsExactly("ETH/USD");
    }

    @Test
    void anInstrumentAddedLiveIsWatchedFromWhenItCame() {
        InstrumentLiveness liveness = liveness();
        liveness.seen(book("BTC/USD"), T0);
        liveness.instruments(
                ShardContext.of("prod", "kraken", "kraken-0", List.of("BTC/USD", "XRP/USD")), T0 + 20 * SECOND);
        liveness.seen(book("BTC/USD"), T0 + 25 * SECOND);

        assertThat(liveness.check(T0 + 25 * SECOND, 0)).isEmpty();
        assertThat(liveness.check(T0 + 31 * SECOND, 0))
                .extracting(InstrumentLiveness.Quiet::instrument)
                .containsExactly("XRP/USD");
    }

    @Test
    void anInstrumentJustAddedIsNoSignThatTheChannelStreams() {
        InstrumentLiveness liveness = liveness();
        liveness.seen(book("BTC/USD"), T0);
        liveness.instruments(
                ShardContext.of("prod", "kraken", "kraken-0", List.of("BTC/USD", "ETH/USD", "XRP/USD")),
                T0 + 20 * SECOND);

        // The whole channel has been quiet since T0: XRP/USD, added at T0 + 20 s and never heard, does not make
        // BTC/USD or ETH/USD the odd ones out.
        assertThat(liveness.check(T0 + 25 * SECOND, 0)).isEmpty();
    }

    @Test
    void resubscribesAreLimitedPerInstrumentAndPerShard() {
        ResubscribeBudget budget = new ResubscribeBudget(SETTINGS);

        assertThat(budget.take("ETH/USD", "book", T0)).isEmpty();
        assertThat(budget.take("ETH/USD", "book", T0 + 60 * SECOND))
                .hasValueSatisfying(why -> assertThat(why).contains("liveness.resubscribe-interval"));
        assertThat(budget.take("SOL/USD", "book", T0 + 10 * SECOND)).isEmpty();
        assertThat(budget.take("XRP/USD", "book", T0 + 20 * SECOND))
                .hasValueSatisfying(why -> assertThat(why).contains("liveness.resubscribes-per-minute"));
        assertThat(budget.take("XRP/USD", "book", T0 + 61 * SECOND)).isEmpty();
        assertThat(budget.take("ETH/USD", "book", T0 + 301 * SECOND)).isEmpty();
    }
}
