package io.ssmd.feeds.kalshi;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.feeds.DecoderRecording;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The tape reads every venue frame of the sample as {@link KalshiFrame#read} does, so the decoder takes its fast path
 * on them and {@code KalshiDecoderEquivalenceTest} covers it.
 */
class KalshiFrameTapeTest {

    @Test
    void readsEveryVenueFrameAsJacksonDoes() throws Exception {
        KalshiFrameTape fast = new KalshiFrameTape();
        int read = 0;
        for (String line : DecoderRecording.resourceLines("/kalshi/messages.jsonl")) {
            if (!line.startsWith("{\"type\"")) {
                continue;
            }
            byte[] frame = line.getBytes(StandardCharsets.UTF_8);
            KalshiFrame tape = fast.read(frame);
            assertThat(tape).as(line).isNotNull();
            assertThat(describe(tape)).as(line).isEqualTo(describe(KalshiFrame.read(frame)));
            read++;
        }
        assertThat(read).isGreaterThan(10);
    }

    private static String describe(KalshiFrame f) {
        String head =
                f.object + " " + f.type + " " + f.command + " " + f.sid + " " + f.seq + " " + f.id + " " + f.msgArray;
        KalshiFrame.Msg m = f.msg;
        if (m == null) {
            return head;
        }
        return head + " " + m.marketTicker + " " + m.eventTicker + " " + m.seriesTicker + " " + m.metadataEventTicker
                + " " + m.channel + " " + m.sid + " " + m.code + " " + m.message + " " + m.marketTickers + " "
                + m.priceDollars + " " + m.priceCents + " " + m.hasDeltaFp + " " + m.deltaFp + " " + m.delta + " "
                + m.side + " " + side(m.yesFp) + side(m.yesDollars) + side(m.yesCents) + side(m.noFp)
                + side(m.noDollars) + side(m.noCents);
    }

    private static String side(KalshiLocalBook.Side side) {
        if (side == null || side.levels() == null) {
            return String.valueOf(side) + ";";
        }
        StringBuilder out = new StringBuilder();
        side.levels().forEach(l -> out.append(l[0]).append('/').append(l[1]).append(','));
        return out.append(';').toString();
    }
}
