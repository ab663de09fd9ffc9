package io.ssmd.core.shard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShardInstrumentsTest {

    @Test
    void anInstrumentWhoseTokenIsTakenIsRefusedWithTheReasonAndTheOthersKeepTheirOrder() {
        ShardInstruments admitted =
                ShardInstruments.admit(List.of("ETH/USD", "BTC/USD", "BTC-USD", "SOL.USD", "SOL_USD"));

        assertThat(admitted.kept()).containsExactly("ETH/USD", "BTC/USD", "SOL.USD");
        assertThat(admitted.tokens())
                .containsOnlyKeys("ETH/USD", "BTC/USD", "SOL.USD")
                .containsEntry("BTC/USD", "BTC-USD")
                .containsEntry("SOL.USD", "SOL_USD");
        assertThat(admitted.refused())
                .containsExactly(
                        org.assertj.core.api.Assertions.entry(
                                "BTC-USD", "subject token 'BTC-USD' is already BTC/USD's: not subscribed"),
                        org.assertj.core.api.Assertions.entry(
                                "SOL_USD", "subject token 'SOL_USD' is already SOL.USD's: not subscribed"));
    }

    @Test
    void aRepeatedInstrumentCountsOnceAndIsNotRefused() {
        ShardInstruments admitted = ShardInstruments.admit(List.of("BTC/USD", "ETH/USD", "BTC/USD"));

        assertThat(admitted.kept()).containsExactly("BTC/USD", "ETH/USD");
        assertThat(admitted.refused()).isEmpty();
    }

    @Test
    void theContextCarriesTheKeptInstrumentsAndTheirTokens() {
        ShardContext context =
                ShardInstruments.admit(List.of("BTC/USD", "BTC-USD")).context("dev", "kraken", "kraken-0");

        assertThat(context.instruments()).containsExactly("BTC/USD");
        assertThat(context.marketData("trade", "BTC/USD")).isEqualTo("dev.kraken.json.trade.BTC-USD");
        assertThat(context.shard()).isEqualTo("kraken-0");
    }

    @Test
    void theDiffListsAddedInTheNewOrderAndRemovedInTheOldOrder() {
        ShardInstruments.Diff diff = ShardInstruments.diff(List.of("A", "B", "C", "D"), List.of("E", "C", "A", "F"));

        assertThat(diff.added()).containsExactly("E", "F");
        assertThat(diff.removed()).containsExactly("B", "D");
        assertThat(diff.isEmpty()).isFalse();
    }

    @Test
    void theSameInstrumentsInAnotherOrderAreNoChange() {
        assertThat(ShardInstruments.diff(List.of("A", "B"), List.of("B", "A")).isEmpty())
                .isTrue();
    }
}
