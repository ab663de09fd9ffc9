package io.ssmd.core.subject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.impl.Headers;
import org.junit.jupiter.api.Test;

class SecmasterSubjectsTest {

    @Test
    void theStreamAndSubjectsFollowTheContract() {
        assertThat(SecmasterSubjects.streamName("prod")).isEqualTo("PROD_SECMASTER");
        assertThat(SecmasterSubjects.streamName("paper-1")).isEqualTo("PAPER_1_SECMASTER");
        assertThat(SecmasterSubjects.streamSubjects("prod")).isEqualTo("prod.secmaster.>");
        assertThat(SecmasterSubjects.feedSubjects("prod", "kalshi")).isEqualTo("prod.secmaster.kalshi.>");
        assertThat(SecmasterSubjects.subject("prod", "kraken", "status_changed", "BTC/USD"))
                .isEqualTo("prod.secmaster.kraken.status_changed.BTC-USD");
        assertThat(SecmasterSubjects.subject("prod", "kalshi", "created", "KXETHD-26FEB1217-T1819.99"))
                .isEqualTo("prod.secmaster.kalshi.created.KXETHD-26FEB1217-T1819_99");
    }

    @Test
    void theOutboxIdHeaderIsParsedAndABadOneNamed() {
        assertThat(SecmasterSubjects.outboxId(new Headers().put("Ssmd-Outbox-Id", "42")))
                .hasValue(42);
        assertThat(SecmasterSubjects.outboxId(new Headers())).isEmpty();
        assertThat(SecmasterSubjects.outboxId(null)).isEmpty();
        assertThatThrownBy(() -> SecmasterSubjects.outboxId(new Headers().put("Ssmd-Outbox-Id", "x7")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Ssmd-Outbox-Id")
                .hasMessageContaining("x7");
    }
}
