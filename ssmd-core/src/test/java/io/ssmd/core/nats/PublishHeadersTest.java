package io.ssmd.core.nats;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.impl.Headers;
import org.junit.jupiter.api.Test;

class PublishHeadersTest {

    @Test
    void readsBackWhatThePublisherWrites() {
        Headers headers = new Headers()
                .put(PublishHeaders.MSG_ID, "kraken-0:1767225600000000:7:0")
                .put(PublishHeaders.RECEIVED_AT, "1767225600000007")
                .put(PublishHeaders.SHARD, "kraken-0");

        assertThat(PublishHeaders.msgId(headers)).contains("kraken-0:1767225600000000:7:0");
        assertThat(PublishHeaders.receivedAt(headers)).hasValue(1_767_225_600_000_007L);
        assertThat(PublishHeaders.shard(headers)).contains("kraken-0");
    }

    @Test
    void aMessageWithoutHeadersHasNone() {
        assertThat(PublishHeaders.msgId(null)).isEmpty();
        assertThat(PublishHeaders.receivedAt(null)).isEmpty();
        assertThat(PublishHeaders.shard(null)).isEmpty();
        assertThat(PublishHeaders.shard(new Headers().put("Other", "x"))).isEmpty();
    }

    @Test
    void aReceiveTimeThatIsNoNumberIsEmptyAndPaddingIsTolerated() {
        assertThat(PublishHeaders.receivedAt(new Headers().put(PublishHeaders.RECEIVED_AT, "soon")))
                .isEmpty();
        assertThat(PublishHeaders.receivedAt(new Headers().put(PublishHeaders.RECEIVED_AT, " 42 ")))
                .hasValue(42);
    }
}
