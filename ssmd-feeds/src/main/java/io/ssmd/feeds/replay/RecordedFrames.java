package io.ssmd.feeds.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Recordings for the replay server: JSONL files of venue frames (the samples under {@code exchanges/}) or ssmd
 * archive files ({@code .jsonl} or {@code .jsonl.gz}, one {@code {"ts","seq","subject","id","data"|"raw"}} per
 * line), and their pacing.
 */
public final class RecordedFrames {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordedFrames() {}

    /**
     * Reads a recording. Archive lines give their receive time and the frame; any other JSON line is a frame with no
     * time. Blank lines are skipped.
     *
     * @throws IllegalArgumentException naming the file and line of a line that is not JSON
     */
    public static List<RecordedFrame> read(Path file) {
        List<RecordedFrame> frames = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (!line.isBlank()) {
                    frames.add(parse(line, file, number));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read recording " + file, e);
        }
        return frames;
    }

    private static RecordedFrame parse(String line, Path file, int number) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ":" + number + ": not a JSON line: " + e.getMessage());
        }
        if (node.isObject() && node.has("ts") && node.has("subject") && (node.has("data") || node.has("raw"))) {
            String text = node.has("data")
                    ? node.get("data").toString()
                    : node.get("raw").asText();
            return new RecordedFrame(node.get("ts").asLong(), text);
        }
        return new RecordedFrame(-1, line);
    }

    /**
     * The frames as a paced source: a frame with a time goes out at its offset from the first one divided by
     * {@code speed} (0: as fast as read); frames without a time at {@code rate} per second (0: as fast as read).
     * With {@code loop} the recording starts over when it ends; otherwise the source completes.
     */
    public static Source<RecordedFrame, NotUsed> paced(
            List<RecordedFrame> frames, double speed, int rate, boolean loop) {
        if (frames.isEmpty()) {
            return Source.empty();
        }
        Source<RecordedFrame, NotUsed> all = loop ? Source.cycle(frames::iterator) : Source.from(frames);
        Pacer pacer = new Pacer(speed, rate);
        return all.mapAsync(1, pacer::when);
    }

    /**
     * Frames read as they go (an archive replay, DESIGN §16, that does not fit in memory) as a paced source: a frame
     * with a time goes out at its offset from the first one divided by {@code speed} (0: as fast as read), frames
     * without a time at {@code rate} per second (0: as fast as read). Completes when {@code frames} does.
     */
    public static Source<RecordedFrame, NotUsed> paced(Source<RecordedFrame, NotUsed> frames, double speed, int rate) {
        Pacer pacer = new Pacer(speed, rate);
        return frames.mapAsync(1, pacer::when);
    }

    /** Keeps the schedule anchored to the first frame of each pass, so delays do not add up into drift. */
    private static final class Pacer {
        private final double speed;
        /** Frames without a time, evenly spaced; null: as fast as read. */
        private final EvenPace untimed;

        private long anchorNanos = -1;
        private long anchorMicros;
        private long lastMicros = Long.MIN_VALUE;

        Pacer(double speed, int rate) {
            this.speed = speed;
            this.untimed = rate > 0 ? new EvenPace(rate) : null;
        }

        CompletionStage<RecordedFrame> when(RecordedFrame frame) {
            long now = System.nanoTime();
            long due;
            if (frame.receivedMicros() < 0) {
                due = untimed == null ? now : untimed.next();
            } else if (speed == 0) {
                due = now;
            } else {
                if (anchorNanos < 0 || frame.receivedMicros() < lastMicros) {
                    anchorNanos = now;
                    anchorMicros = frame.receivedMicros();
                }
                lastMicros = frame.receivedMicros();
                due = anchorNanos + (long) ((frame.receivedMicros() - anchorMicros) * 1000 / speed);
            }
            long wait = due - now;
            if (wait <= 0) {
                return CompletableFuture.completedFuture(frame);
            }
            return CompletableFuture.supplyAsync(
                    () -> frame, CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS));
        }
    }
}
