package io.ssmd.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.nats.ControlEvent;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection renewed inside its shard (DESIGN §17): the {@code handover} starts a new epoch without a
 * {@code disconnected}, and that is no {@code connection_lost} (no {@code restart} either); the old epoch's late events
 * are no gap; the manifest's shard mark records the handover.
 */
class ControlGapsHandoverTest {

    private static final long E1 = 1_000_000_000_000L;
    private static final long E2 = E1 + 120_000_000L;
    private static final List<String> INSTRUMENTS = List.of("KXA-1", "KXB-2");

    @TempDir
    Path dir;

    @Test
    void aHandoverIsNoGapAndTheMarkRecordsIt() {
        ControlGaps gaps = new ControlGaps();
        assertThat(gaps.on(1, ControlEvent.of(ControlEvent.CONNECTED, "kalshi", "kalshi-0", E1, E1, "", INSTRUMENTS)))
                .isEmpty();
        assertThat(gaps.on(
                        2,
                        ControlEvent.of(ControlEvent.ALIVE, "kalshi", "kalshi-0", E1, E1 + 1_000_000L, "", List.of())))
                .isEmpty();
        long switchedAt = E2 + 2_000_000L;

        assertThat(gaps.on(
                        3,
                        ControlEvent.handover(
                                "kalshi", "kalshi-0", E1, E2, switchedAt, "renewal", INSTRUMENTS, "1.2.3")))
                .isEmpty();
        // The old connection's last sign of life, archived after the switch, and the new one's.
        assertThat(gaps.on(
                        4,
                        ControlEvent.of(ControlEvent.ALIVE, "kalshi", "kalshi-0", E1, switchedAt + 1, "", List.of())))
                .isEmpty();
        assertThat(gaps.on(
                        5,
                        ControlEvent.of(ControlEvent.ALIVE, "kalshi", "kalshi-0", E2, switchedAt + 2, "", List.of())))
                .isEmpty();

        ShardMark mark = gaps.marks().get(0);
        assertThat(mark.epoch()).isEqualTo(E2);
        assertThat(mark.seen()).isEqualTo(switchedAt + 2);
        assertThat(mark.instruments()).containsExactlyElementsOf(INSTRUMENTS);
        assertThat(mark.version()).isEqualTo("1.2.3");
        assertThat(mark.handover()).isEqualTo(new ShardMark.Handover(E1, switchedAt, 3));
    }

    @Test
    void anOutageAfterAHandoverIsStillAGap() {
        ControlGaps gaps = new ControlGaps();
        gaps.on(1, ControlEvent.of(ControlEvent.CONNECTED, "kalshi", "kalshi-0", E1, E1, "", INSTRUMENTS));
        gaps.on(2, ControlEvent.handover("kalshi", "kalshi-0", E1, E2, E2, "renewal", INSTRUMENTS, "1.2.3"));
        gaps.on(3, ControlEvent.of(ControlEvent.DISCONNECTED, "kalshi", "kalshi-0", E2, E2 + 10, "gone", INSTRUMENTS));

        assertThat(gaps.on(
                        4,
                        ControlEvent.of(
                                ControlEvent.CONNECTED, "kalshi", "kalshi-0", E2 + 20, E2 + 30, "", INSTRUMENTS)))
                .singleElement()
                .satisfies(gap -> {
                    assertThat(gap.type()).isEqualTo(Gap.CONNECTION_LOST);
                    assertThat(gap.start()).isEqualTo(E2 + 10);
                    assertThat(gap.end()).isEqualTo(E2 + 30);
                });
        // A new epoch begun by a connected carries no handover.
        assertThat(gaps.marks().get(0).handover()).isNull();
    }

    @Test
    void theManifestKeepsTheHandoverOfEachShard() throws Exception {
        ControlGaps gaps = new ControlGaps();
        gaps.on(1, ControlEvent.of(ControlEvent.CONNECTED, "kalshi", "kalshi-0", E1, E1, "", INSTRUMENTS));
        gaps.on(2, ControlEvent.handover("kalshi", "kalshi-0", E1, E2, E2 + 5, "renewal", INSTRUMENTS, "1.2.3"));
        Manifest day = Manifest.empty("lab", "kalshi", "LAB_KALSHI", "2026-01-01", "gzip", "15m")
                .withShards(gaps.marks());

        new ManifestStore().write(dir, day);
        Manifest read = ManifestStore.read(dir).orElseThrow();

        assertThat(read.shards())
                .singleElement()
                .satisfies(mark -> assertThat(mark.handover()).isEqualTo(new ShardMark.Handover(E1, E2 + 5, 2)));
        // An archiver restarted from that manifest still takes the next event of the new epoch as no gap.
        ControlGaps resumed = new ControlGaps(read.shards());
        assertThat(resumed.on(3, ControlEvent.of(ControlEvent.ALIVE, "kalshi", "kalshi-0", E2, E2 + 10, "", List.of())))
                .isEmpty();
    }
}
