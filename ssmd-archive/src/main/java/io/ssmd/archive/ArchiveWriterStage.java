package io.ssmd.archive;

import java.io.IOException;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * Writes records into a {@link StreamArchive}: an empty element is a clock tick. It emits nothing and completes once
 * its upstream has completed and the open segment is committed, which is how a shutdown drains the archiver. A
 * failure (of the files or of upstream) drops the open segment instead: its messages are read again on restart.
 *
 * <p>Every call into the archive blocks on the disk, so the stage must run on the archive's IO dispatcher.
 */
final class ArchiveWriterStage extends GraphStage<FlowShape<Optional<ArchiveRecord>, NotUsed>> {

    private static final int TICK_EVERY = 1024;

    private final Inlet<Optional<ArchiveRecord>> in = Inlet.create("ArchiveWriter.in");
    private final Outlet<NotUsed> out = Outlet.create("ArchiveWriter.out");
    private final FlowShape<Optional<ArchiveRecord>, NotUsed> shape = FlowShape.of(in, out);
    private final StreamArchive archive;
    private final LongSupplier clockMicros;
    private final SpaceCheck space;

    /** Fails when the archive's filesystem has too little space left to go on writing. */
    @FunctionalInterface
    interface SpaceCheck {
        void check() throws IOException;
    }

    ArchiveWriterStage(StreamArchive archive, LongSupplier clockMicros, SpaceCheck space) {
        this.archive = archive;
        this.clockMicros = clockMicros;
        this.space = space;
    }

    @Override
    public FlowShape<Optional<ArchiveRecord>, NotUsed> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes attributes) {
        return new GraphStageLogic(shape) {
            private int sinceTick;

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() throws Exception {
                        Optional<ArchiveRecord> element = grab(in);
                        if (element.isPresent()) {
                            archive.append(element.get(), clockMicros.getAsLong());
                        }
                        // Busy streams never send an empty poll, so the clock also ticks every so many messages.
                        if (element.isEmpty() || ++sinceTick >= TICK_EVERY) {
                            sinceTick = 0;
                            space.check();
                            archive.tick(clockMicros.getAsLong(), element.isEmpty());
                        }
                        pull(in);
                    }

                    @Override
                    public void onUpstreamFinish() throws Exception {
                        archive.commit();
                        completeStage();
                    }

                    @Override
                    public void onUpstreamFailure(Throwable cause) {
                        archive.abort();
                        failStage(cause);
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        // Nothing is ever emitted: the stage completes when the archive is committed.
                    }
                });
            }

            @Override
            public void preStart() {
                pull(in);
            }

            @Override
            public void postStop() {
                archive.abort();
            }
        };
    }
}
