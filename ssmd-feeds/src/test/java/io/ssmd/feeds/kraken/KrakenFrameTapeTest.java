package io.ssmd.feeds.kraken;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.feeds.DecoderRecording;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tape reads every channel frame of the sample as {@link KrakenProtocol#read} does, so the decoder takes its fast
 * path on them (and {@code KrakenDecoderEquivalenceTest}'s recorded outputs cover it); method answers go to Jackson.
 */
class KrakenFrameTapeTest {

    @Test
    void readsEveryChannelFrameAsJacksonDoes() throws Exception {
        KrakenFrameTape fast = new KrakenFrameTape();
        int read = 0;
        for (String line : DecoderRecording.resourceLines("/kraken/messages.jsonl")) {
            byte[] frame = line.getBytes(StandardCharsets.UTF_8);
            KrakenProtocol.Frame tape = fast.read(frame);
            boolean channelFrame = line.startsWith("{\"channel\":\"");
            if (!channelFrame) {
                continue;
            }
            assertThat(tape).as(line).isNotNull();
            KrakenProtocol.Frame jackson = KrakenProtocol.read(frame);
            assertThat(describe(tape)).as(line).isEqualTo(describe(jackson));
            read++;
        }
        assertThat(read).isGreaterThan(5);
        assertThat(fast.read("{\"method\":\"pong\"}".getBytes(StandardCharsets.UTF_8)))
                .isNull();
    }

    private static String describe(KrakenProtocol.Frame f) {
        StringBuilder out = new StringBuilder(f.channel() + " " + f.type() + " ");
        if (f.data() != null) {
            for (KrakenProtocol.Entry e : f.data()) {
                out.append(e.symbol())
                        .append(' ')
                        .append(e.readable())
                        .append(' ')
                        .append(e.checksum());
                for (List<KrakenProtocol.Level> side : List.of(e.bids(), e.asks())) {
                    side.forEach(
                            l -> out.append(' ').append(l.price()).append('/').append(l.qty()));
                    out.append(" |");
                }
            }
            out.append(' ')
                    .append(f.layout().arrayStart())
                    .append('-')
                    .append(f.layout().arrayEnd());
            f.layout()
                    .elements()
                    .forEach(r -> out.append(' ').append(r[0]).append('-').append(r[1]));
        }
        return out.toString();
    }
}
