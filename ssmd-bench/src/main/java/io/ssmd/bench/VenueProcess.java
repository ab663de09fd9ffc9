package io.ssmd.bench;

import com.typesafe.config.ConfigFactory;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * A venue's synthetic replay server in a JVM of its own, so that a benchmark measuring the connector's CPU does not
 * count the venue's. {@link #start} launches it with this JVM's class path; it prints its port on its first line of
 * output and runs until its standard input closes (the benchmark ends, or dies).
 */
final class VenueProcess implements AutoCloseable {

    /**
     * {@value}: JVM options for the venue's JVM, split at spaces (e.g. a flight recording of the venue alone); the
     * bench's own JVM takes {@code SSMD_JAVA_OPTS}.
     */
    static final String JAVA_OPTIONS = "SSMD_VENUE_JAVA_OPTS";

    private final Process process;
    private final int port;

    private VenueProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts {@code venue}'s synthetic server sending {@code rate} data frames per second per connection (0: as fast
     * as read), with {@code instruments} synthetic instruments (0: the venue's defaults).
     */
    static VenueProcess start(String venue, int rate, int instruments, Path kalshiPublicKey) {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        String options = System.getenv(JAVA_OPTIONS);
        if (options != null && !options.isBlank()) {
            command.addAll(List.of(options.trim().split("\\s+")));
        }
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                VenueProcess.class.getName(),
                venue,
                Integer.toString(rate),
                Integer.toString(instruments),
                kalshiPublicKey == null ? "-" : kalshiPublicKey.toString()));
        try {
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            BufferedReader lines =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            // The JVM may print before the port line (a flight recording's start, from SSMD_VENUE_JAVA_OPTS): passed
            // on.
            String line = lines.readLine();
            while (line != null && !line.startsWith("port ")) {
                System.err.println("venue: " + line);
                line = lines.readLine();
            }
            if (line == null) {
                process.destroyForcibly();
                throw new IllegalStateException("the venue process ended before it printed its port");
            }
            return new VenueProcess(process, Integer.parseInt(line.substring(5).trim()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the venue process", e);
        }
    }

    int port() {
        return port;
    }

    /** The venue process's CPU time so far (all threads), ns; -1 if the operating system does not tell. */
    long cpuNanos() {
        return ProcessCpu.cpuNanos(process.toHandle());
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** {@code venue rate instruments kalshiPublicKeyOr-}. */
    public static void main(String[] args) throws Exception {
        String venue = args[0];
        ReplaySettings settings = ReplaySettings.synthetic(venue, 0, Integer.parseInt(args[1]), 1);
        int instruments = Integer.parseInt(args[2]);
        if (instruments > 0) {
            settings = settings.withInstruments(Venues.byId(venue).syntheticInstruments(instruments));
        }
        if (!args[3].equals("-")) {
            settings = settings.withKalshiPublicKey(Path.of(args[3]));
        }
        ActorSystem<Void> system = ActorSystem.create(
                Behaviors.empty(),
                "ssmd-bench-venue",
                ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
        ServerBinding binding = ReplayServer.create(
                        system, Venues.byId(venue).replayServer(settings), settings, new Faults())
                .bind()
                .toCompletableFuture()
                .join();
        System.out.println("port " + binding.localAddress().getPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // runs until the benchmark closes our input
        }
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        System.exit(0);
    }
}
