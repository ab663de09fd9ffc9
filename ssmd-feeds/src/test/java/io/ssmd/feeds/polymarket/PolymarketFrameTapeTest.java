package io.ssmd.feeds.polymarket;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.feeds.DecoderRecording;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tape reads every event frame of the sample as {@link PolymarketProtocol#read} does (the same events, byte ranges
 * and levels), so the decoder takes its fast path on them and {@code PolymarketDecoderEquivalenceTest} covers it.
 */
class PolymarketFrameTapeTest {

    @Test
    void readsEveryEventFrameAsJacksonDoes() throws Exception {
        PolymarketFrameTape fast = new PolymarketFrameTape();
        int read = 0;
        for (String line : DecoderRecording.resourceLines("/polymarket/messages.jsonl")) {
            if (!line.startsWith("{\"event_type\"") && !line.startsWith("[")) {
                continue;
            }
            byte[] frame = line.getBytes(StandardCharsets.UTF_8);
            boolean[] tapeArray = new boolean[1];
            List<PolymarketProtocol.Event> tape = fast.read(frame, tapeArray);
            assertThat(tape).as(line).isNotNull();
            boolean[] jacksonArray = new boolean[1];
            assertThat(tape).as(line).isEqualTo(PolymarketProtocol.read(frame, jacksonArray));
            assertThat(tapeArray[0]).isEqualTo(jacksonArray[0]);
            read++;
        }
        assertThat(read).isGreaterThan(5);
    }
}
