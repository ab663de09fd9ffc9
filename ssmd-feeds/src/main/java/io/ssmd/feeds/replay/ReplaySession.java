package io.ssmd.feeds.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * One client connection of a replay server as a stream: the client's frames, a tick and the data source (a
 * synthetic pump or a paced recording) merge into one stage that drives the venue session and applies the
 * generic faults (drop, stall, malformed and oversized frames). Venue sessions therefore run single-threaded.
 */
final class ReplaySession {

    /** Client frames are requests (subscribe, ping): a megabyte is far more than any venue accepts. */
    private static final int MAX_CLIENT_FRAME = 1024 * 1024;

    private ReplaySession() {}

    sealed interface Event {}

    enum Open implements Event {
        INSTANCE
    }

    enum Tick implements Event {
        INSTANCE
    }

    enum Pump implements Event {
        INSTANCE
    }

    record ClientText(String text) implements Event {}

    record Recorded(RecordedFrame frame) implements Event {}

    /**
     * The server dropped the connection on purpose (a fault). Pekko HTTP ends a failed WebSocket stream with close
     * code 1011, so the client sees the connection end abnormally, as after a venue's internal error.
     */
    static final class DroppedByFault extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DroppedByFault(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * The WebSocket handler flow of a session.
     *
     * @param data the session's data events (pumps or recorded frames); it should not complete
     */
    static Flow<Message, Message, NotUsed> flow(
            VenueSession venue, SessionContext context, Source<Event, ?> data, Materializer materializer) {
        Source<Event, ?> ticks = Source.tick(context.tickInterval(), context.tickInterval(), (Event) Tick.INSTANCE);
        return Flow.<Message>create()
                .mapAsync(1, message -> text(message, materializer))
                .mapConcat(text ->
                        text.<List<Event>>map(t -> List.of(new ClientText(t))).orElse(List.of()))
                .prepend(Source.single((Event) Open.INSTANCE))
                .merge(ticks, true)
                .merge(data.concat(Source.never()), true)
                .statefulMapConcat(() -> new Driver(venue, context)::handle)
                .takeWhile(frame -> frame != Driver.CLOSE)
                .map(frame -> {
                    if (frame == Driver.DROP) {
                        throw new DroppedByFault("dropped by a fault");
                    }
                    return TextMessage.create(frame);
                });
    }

    /** A client frame's text; binary frames are read and ignored (no venue protocol here uses them). */
    private static CompletionStage<Optional<String>> text(Message message, Materializer materializer) {
        if (message.isText()) {
            TextMessage text = message.asTextMessage();
            if (text.isStrict()) {
                return CompletableFuture.completedFuture(Optional.of(text.getStrictText()));
            }
            return text.getStreamedText()
                    .limitWeighted(MAX_CLIENT_FRAME, s -> (long) s.length())
                    .runFold(new StringBuilder(), StringBuilder::append, materializer)
                    .thenApply(sb -> Optional.of(sb.toString()));
        }
        return message.asBinaryMessage()
                .getStreamedData()
                .runWith(Sink.<ByteString>ignore(), materializer)
                .thenApply(done -> Optional.empty());
    }

    /** The single-threaded heart of a session: venue calls and generic faults. */
    static final class Driver {
        /** Marks a clean close; compared by identity, so no frame can be mistaken for it. */
        static final String CLOSE = new String("close");
        /** Marks a drop (a fault): the stream fails after the frames before it went out. */
        static final String DROP = new String("drop");

        private final VenueSession venue;
        private final SessionContext context;
        private final Faults faults;
        private final SessionOutput out = new SessionOutput();
        private final long openedAtMillis = System.currentTimeMillis();
        private long disconnectGeneration;
        private final long freezeGeneration;
        private boolean frozen;
        private long dataFrames;

        Driver(VenueSession venue, SessionContext context) {
            this.venue = venue;
            this.context = context;
            this.faults = context.faults();
            this.disconnectGeneration = faults.disconnectGeneration();
            this.freezeGeneration = faults.freezeGeneration();
        }

        List<String> handle(Event event) {
            long now = System.currentTimeMillis();
            checkDrop(now);
            if (stalled(now)) {
                // A stalled server reads and says nothing: no acks, no pongs, no data, and the book does not move.
                return List.of();
            }
            frozen = frozen || faults.freezeGeneration() != freezeGeneration && aimedAt();
            out.clear();
            if (event instanceof ClientText client) {
                venue.onClientText(client.text(), out);
            } else if (event instanceof Recorded recorded) {
                venue.onRecorded(recorded.frame(), out);
            } else if (event == Pump.INSTANCE) {
                venue.onPump(out);
            } else if (event == Tick.INSTANCE) {
                venue.onTick(now, out);
            } else {
                venue.onOpen(out);
            }
            return render();
        }

        private List<String> render() {
            if (out.frames().isEmpty() && out.closeReason() == null) {
                return List.of();
            }
            List<String> frames = new ArrayList<>(out.frames().size() + 1);
            for (SessionOutput.Frame frame : out.frames()) {
                if (!frame.data()) {
                    frames.add(frame.text());
                    continue;
                }
                if (frozen) {
                    // Frozen: pongs and acks go out, market data never does.
                    continue;
                }
                dataFrames++;
                if (faults.malformed().take(dataFrames)) {
                    // Half a frame is what a truncating proxy or a broken encoder produces.
                    frames.add(
                            frame.text().substring(0, Math.max(1, frame.text().length() / 2)));
                }
                if (faults.oversized().take(dataFrames)) {
                    frames.add(oversizedFrame(faults.oversizedBytes()));
                }
                frames.add(frame.text());
                int dropAfter = faults.dropAfterFrames();
                if (dropAfter > 0 && dataFrames >= dropAfter && aimedAt()) {
                    frames.add(DROP);
                    return frames;
                }
            }
            if (out.closeReason() != null) {
                frames.add(CLOSE);
            }
            return frames;
        }

        /** Whether the connection faults are aimed at this session (see {@link Faults#only}). */
        private boolean aimedAt() {
            // Most of the time no fault is aimed: then the session's instruments (a copy) are not needed per frame.
            return faults.only().isEmpty() || faults.targets(venue.instruments());
        }

        private void checkDrop(long now) {
            long generation = faults.disconnectGeneration();
            if (generation != disconnectGeneration) {
                disconnectGeneration = generation;
                if (aimedAt()) {
                    throw new DroppedByFault("disconnected by /control/disconnect");
                }
            }
            if (!aimedAt()) {
                return;
            }
            faults.dropAfter().ifPresent(after -> {
                if (now - openedAtMillis >= after.toMillis()) {
                    throw new DroppedByFault("dropped after " + after);
                }
            });
        }

        private boolean stalled(long now) {
            if (!aimedAt()) {
                return false;
            }
            return faults.stalled()
                    || faults.stallAfter()
                            .map(after -> now - openedAtMillis >= after.toMillis())
                            .orElse(false);
        }

        private static String oversizedFrame(int bytes) {
            String head = "{\"ssmd_fault\":\"oversized\",\"padding\":\"";
            String tail = "\"}";
            return head + "x".repeat(Math.max(0, bytes - head.length() - tail.length())) + tail;
        }
    }
}
