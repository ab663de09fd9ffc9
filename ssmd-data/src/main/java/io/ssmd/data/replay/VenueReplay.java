package io.ssmd.data.replay;

import io.ssmd.archive.ArchiveSelection;
import io.ssmd.feeds.VenueModule;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.RecordedFrame;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.VenueServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Serves an archive on the venue's own WebSocket protocol ({@code ssmd data replay --ws}, DESIGN §16): the project's
 * replay server (DESIGN §10) with each session fed from the archive instead of a recording file, so a bot written
 * against the venue connects and subscribes unchanged and receives the archived frames of its subscriptions, verbatim.
 * Only the venue's own frames are served: ssmd's control events and {@code ssmd.book} snapshots never are. Each
 * session reads the archive anew from the start of the range, paced by {@code speed}, from its client's first frame.
 */
public final class VenueReplay implements AutoCloseable {

    private final ReplayServer server;
    private final ServerBinding binding;
    private final VenueServer venue;
    private final AtomicLong sent = new AtomicLong();

    private VenueReplay(ReplayServer server, ServerBinding binding, VenueServer venue) {
        this.server = server;
        this.binding = binding;
        this.venue = venue;
        server.onSent(frame -> sent.incrementAndGet());
    }

    /**
     * Binds the venue's replay server on {@code host:port} (0: a free port).
     *
     * @param root  the archive root the selection was made under (named in the server's log line)
     * @param speed how many times faster than recorded; {@link Double#POSITIVE_INFINITY} for as fast as the client reads
     */
    public static VenueReplay start(
            ActorSystem<?> system,
            VenueModule module,
            java.nio.file.Path root,
            String host,
            int port,
            ArchiveSelection selection,
            ReplayFilter filter,
            double speed) {
        io.ssmd.feeds.replay.ReplaySettings settings = new io.ssmd.feeds.replay.ReplaySettings(
                module.id(),
                host,
                port,
                Optional.of(root),
                Double.isInfinite(speed) ? 0 : speed,
                0,
                List.of(),
                1,
                false,
                Optional.empty(),
                Optional.empty(),
                Duration.ofSeconds(10),
                java.util.OptionalInt.empty());
        VenueServer venue = module.replayServer(settings);
        ReplayServer server =
                ReplayServer.fromArchive(system, venue, settings, new Faults(), () -> frames(selection, filter));
        ServerBinding binding = server.bind().toCompletableFuture().join();
        return new VenueReplay(server, binding, venue);
    }

    /** The venue's frames of the selection, read as they go; the files are closed when the session ends. */
    static Source<RecordedFrame, NotUsed> frames(ArchiveSelection selection, ReplayFilter filter) {
        return Source.unfoldResource(
                () -> ReplayMessages.open(selection, filter),
                messages -> {
                    try {
                        for (ReplayMessage m = messages.next(); m != null; m = messages.next()) {
                            if (m.venueFrame() && !m.warmUp()) {
                                return Optional.of(new RecordedFrame(
                                        m.message().ts(), m.message().text()));
                            }
                        }
                        return Optional.empty();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                ReplayMessages::close);
    }

    /** The port it listens on. */
    public int port() {
        return binding.localAddress().getPort();
    }

    /** The WebSocket URL a bot connects to. */
    public String url() {
        return "ws://" + binding.localAddress().getHostString() + ":" + port() + venue.websocketPath();
    }

    /** Text frames sent to clients so far (data, acks, heartbeats). */
    public long framesSent() {
        return sent.get();
    }

    /** Sessions opened so far. */
    public long sessions() {
        return server.totalSessions();
    }

    @Override
    public void close() {
        binding.unbind().toCompletableFuture().join();
    }
}
