package io.ssmd.core.shard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the shard's book snapshots remember of an instrument that left the connection. */
class BookSnapshotsTest {

    @Test
    void aResyncingInstrumentThatLeavesTheConnectionIsForgotten() {
        BookSnapshots snapshots = new BookSnapshots("test", "kalshi", s -> {});
        FrameDecoder decoder = frame -> Decoded.heartbeat();
        List<Decoded.Resync> resyncs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            resyncs.add(new Decoded.Resync("M" + i, "bad book"));
        }
        snapshots.afterFrame(decoder, Decoded.heartbeat().withResyncs(resyncs), List.of(), 0);
        assertThat(snapshots.resyncedCount()).isEqualTo(3);

        snapshots.forget(List.of("M0", "M2"));

        assertThat(snapshots.resyncedCount()).isEqualTo(1);
    }
}
