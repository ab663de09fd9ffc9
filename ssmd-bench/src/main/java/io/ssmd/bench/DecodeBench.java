package io.ssmd.bench;

import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.settings.NodeConfig;
import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.FrameDecoder;
import io.ssmd.core.shard.ShardContext;
import io.ssmd.feeds.Venues;
import io.ssmd.node.DemoLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * {@code ssmd bench decode}: JMH micro-benchmark of decode+route per venue on the real sample frames
 * ({@code exchanges/VENUE/messages.jsonl}, copied into this module's resources). The decoder is the one a shard runs,
 * made through the venue's module as the node makes it, for a shard holding the sample's instruments. One operation
 * is one frame: the venue's data frames of the sample (those that decode to market data) in file order, round and
 * round, so book state carries from frame to frame as on a connection. Reports ns per frame and, with JMH's
 * {@code gc} profiler, bytes allocated per frame; {@link #routedPerFrame} says how many messages a frame routes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx512m"})
public class DecodeBench {

    static final String NAME = "decode";

    /** Where each venue's sample names its instruments. */
    private static final Map<String, Pattern> INSTRUMENT = Map.of(
            "kraken", Pattern.compile("\"symbol\":\"([^\"]+)\""),
            "kraken-futures", Pattern.compile("\"product_id\":\"([^\"]+)\""),
            "kalshi", Pattern.compile("\"market_ticker\":\"([^\"]+)\""),
            "polymarket", Pattern.compile("\"asset_id\":\"([0-9]+)\""));

    @Param({"kraken", "kraken-futures", "kalshi", "polymarket"})
    public String venue;

    private FrameDecoder decoder;
    private byte[][] frames;
    private int next;
    private List<String> types;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        List<byte[]> lines = sample(venue);
        decoder = decoder(venue, instruments(venue, lines));
        // The sample's frames come from several sessions, so a book update seldom fits the book before it: such a
        // frame would take the resync path (a book found broken) on every round. The data frames kept are those
        // that decode cleanly on a second round, as frames of a healthy connection do.
        List<byte[]> data = new ArrayList<>();
        for (byte[] line : lines) {
            if (decoder.decode(line).kind() == Decoded.Kind.DATA) {
                data.add(line);
            }
        }
        List<byte[]> clean = new ArrayList<>();
        types = new ArrayList<>();
        for (byte[] line : data) {
            Decoded decoded = decoder.decode(line);
            if (decoded.kind() == Decoded.Kind.DATA
                    && decoded.resyncs().isEmpty()
                    && decoded.replies().isEmpty()) {
                clean.add(line);
                types.add(decoded.type());
            }
        }
        data = clean;
        decoder = decoder(venue, instruments(venue, lines));
        frames = data.toArray(new byte[0][]);
    }

    @Benchmark
    public void decodeAndRoute(Blackhole sink) {
        byte[] frame = frames[next];
        next = next + 1 == frames.length ? 0 : next + 1;
        Decoded decoded = decoder.decode(frame);
        for (Decoded.Routed routed : decoded.messages()) {
            sink.consume(routed.subject());
            sink.consume(routed.payload());
        }
    }

    /** The decoder measured, as set up for the trial. */
    FrameDecoder decoder() {
        return decoder;
    }

    /** The frames measured, in the order they are decoded, round and round. */
    byte[][] frames() {
        return frames;
    }

    /** Messages routed per data frame of {@code venue}'s sample, on average: ns per message is ns per frame ÷ this. */
    static double routedPerFrame(String venue) throws IOException {
        DecodeBench bench = new DecodeBench();
        bench.venue = venue;
        bench.setUp();
        long routed = 0;
        for (byte[] frame : bench.frames) {
            routed += bench.decoder.decode(frame).messages().size();
        }
        return (double) routed / bench.frames.length;
    }

    /** The types of the frames {@code venue}'s run decodes, in order. */
    static List<String> frameTypes(String venue) throws IOException {
        DecodeBench bench = new DecodeBench();
        bench.venue = venue;
        bench.setUp();
        return bench.types;
    }

    static List<byte[]> sample(String venue) throws IOException {
        try (InputStream in = DecodeBench.class.getResourceAsStream("/samples/" + venue + ".jsonl")) {
            if (in == null) {
                throw new IllegalStateException("no sample for " + venue);
            }
            List<byte[]> lines = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    lines.add(line.getBytes(StandardCharsets.UTF_8));
                }
            }
            return lines;
        }
    }

    private static List<String> instruments(String venue, List<byte[]> lines) {
        Set<String> found = new LinkedHashSet<>();
        for (byte[] line : lines) {
            Matcher m = INSTRUMENT.get(venue).matcher(new String(line, StandardCharsets.UTF_8));
            while (m.find()) {
                found.add(m.group(1));
            }
        }
        return List.copyOf(found);
    }

    /** The decoder a shard of {@code venue} runs, made through the venue's module from the shipped feed file. */
    static FrameDecoder decoder(String venue, List<String> instruments) throws IOException {
        Path work = Files.createTempDirectory("ssmd-bench-decode-");
        Path feeds = Files.createDirectories(work.resolve("exchanges/feeds"));
        String file = venue + ".yaml";
        Path shipped = NodeConfig.resolve(Path.of("exchanges/feeds").resolve(file), System.getenv());
        Files.writeString(feeds.resolve(file), DemoLayout.local(Files.readString(shipped), 1));
        Path privateKey = work.resolve("kalshi-private.pem");
        DemoLayout.writeKeyPair(privateKey, work.resolve("kalshi-public.pem"));
        Path env =
                Files.createDirectories(work.resolve("exchanges/environments")).resolve("bench.yaml");
        StringBuilder list = new StringBuilder();
        for (String instrument : instruments) {
            list.append(list.isEmpty() ? "" : ", ")
                    .append('"')
                    .append(instrument)
                    .append('"');
        }
        Files.writeString(env, """
                name: bench
                feeds:
                  %s:
                    enabled: true
                    instruments: [%s]
                storage:
                  archive-root: %s
                """.formatted(venue, list, work.resolve("archive")));
        Environment environment = EnvironmentLoader.load(
                env,
                Map.of(
                        "KALSHI_API_KEY_ID",
                        DemoLayout.KALSHI_KEY_ID,
                        "KALSHI_PRIVATE_KEY_FILE",
                        privateKey.toString()));
        var feed = environment.feed(venue).orElseThrow();
        return Venues.wire(feed).feed().connector().decoder(ShardContext.of("bench", venue, venue + "-0", instruments));
    }

    /**
     * Runs the plain loop ({@link DecodeLoop}: thread CPU time per frame, which a loaded machine inflates less), then
     * the JMH benchmark with the gc profiler (allocation per frame), in a forked JVM, printing JMH's report.
     */
    static void run(PrintStream out) {
        try {
            for (String venue : Venues.ids()) {
                out.printf(
                        "%s: %.2f messages routed per frame; frames decoded, round and round: %s%n",
                        venue, routedPerFrame(venue), frameTypes(venue));
            }
            DecodeLoop.run(java.time.Duration.ofSeconds(5), out);
            Options options = new OptionsBuilder()
                    .include(DecodeBench.class.getName())
                    .addProfiler("gc")
                    .build();
            new Runner(options, OutputFormatFactory.createFormatInstance(out, VerboseMode.NORMAL)).run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RunnerException e) {
            throw new IllegalStateException("JMH failed: " + e, e);
        }
    }
}
