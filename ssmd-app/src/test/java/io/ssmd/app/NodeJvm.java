package io.ssmd.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code ssmd run ARGS} in a JVM of its own (the test's class path, as the jar has it), in {@code home}, with none of
 * the launcher's {@code SSMD_*} variables but those given. Small and cheap: several share the test machine's 2 cores
 * (serial GC, C1 only, a small heap).
 */
final class NodeJvm implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final Process process;
    final Path stdout;
    final Path stderr;

    private NodeJvm(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static NodeJvm start(Path home, Map<String, String> environment, List<String> args) throws IOException {
        Files.createDirectories(home);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(
                java.toString(),
                "-Xmx192m",
                "-Xss512k",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "run"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("SSMD_"));
        env.putAll(environment);
        Path stdout = home.resolve("node.out");
        Path stderr = home.resolve("node.err");
        builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        return new NodeJvm(builder.start(), stdout, stderr);
    }

    /** The status and body of a GET, or status 0 while nothing answers. */
    static Response get(int port, String path) {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Response(0, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(0, e.toString());
        }
    }

    /** The status and body of a POST of {@code json}, or status 0 while nothing answers. */
    static Response post(int port, String path, String json) {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(5))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(json))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Response(0, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(0, e.toString());
        }
    }

    record Response(int status, String body) {}

    String err() throws IOException {
        return Files.exists(stderr) ? Files.readString(stderr, StandardCharsets.UTF_8) : "";
    }

    boolean logged(String text) throws IOException {
        for (Path file : List.of(stdout, stderr)) {
            if (Files.exists(file)
                    && Files.readString(file, StandardCharsets.UTF_8).contains(text)) {
                return true;
            }
        }
        return false;
    }

    /** A line of the node's log (the test class path's logback-test.xml: time of day, level, logger, message). */
    record LogLine(Instant at, String logger, String message) {}

    private static final Pattern LOG_LINE = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) +\\S+ +(\\S+) - (.*)$");

    /** The node's log lines (stderr), their times of day taken as today's in this JVM's zone, as the node's are. */
    Stream<LogLine> logLines() {
        LocalDate today = LocalDate.now();
        try {
            return Files.readAllLines(stderr, StandardCharsets.UTF_8).stream()
                    .map(LOG_LINE::matcher)
                    .filter(Matcher::matches)
                    .map(m -> new LogLine(
                            LocalTime.parse(m.group(1))
                                    .atDate(today)
                                    .atZone(ZoneId.systemDefault())
                                    .toInstant(),
                            m.group(2),
                            m.group(3)));
        } catch (IOException e) {
            return Stream.empty();
        }
    }

    /** When the node first logged a line containing {@code text} after {@code since}. */
    Optional<Instant> loggedAt(String text, Instant since) {
        return logLines()
                .filter(l -> l.message().contains(text) && l.at().isAfter(since))
                .map(LogLine::at)
                .findFirst();
    }

    void printTails() {
        for (Path file : List.of(stdout, stderr)) {
            try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
                List<String> all = lines.toList();
                System.err.println("---- last lines of " + file);
                all.subList(Math.max(0, all.size() - 60), all.size()).forEach(System.err::println);
            } catch (IOException e) {
                System.err.println("---- " + file + ": " + e.getMessage());
            }
        }
    }

    /** SIGTERM, then SIGKILL if it has not stopped within 20 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The first of {@code count} consecutive ports that are all free on loopback now, below Linux's ephemeral range
     * (32768-60999 by default): a node binds its ports up to a minute after they are chosen, and a port of the
     * ephemeral range that is free now may by then be the local end of any outbound connection on the machine (the
     * nodes' own NATS, JDBC and venue sockets among them).
     */
    static int freePorts(int count) throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(20_000, 32_000);
            boolean free = true;
            for (int p = first; p < first + count && free; p++) {
                try (ServerSocket socket = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                    socket.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return first;
            }
        }
        throw new IOException("no " + count + " consecutive free ports found");
    }

    /**
     * One Kraken feed whose venue address refuses connections (its shards back off; no venue is needed to form a
     * cluster), archived, and a gateway.
     */
    static Path smallEnvironment(Path dir, String name) throws IOException {
        Path feeds = Files.createDirectories(dir.resolve("exchanges/feeds"));
        Files.writeString(
                feeds.resolve("kraken.yaml"),
                Files.readString(ShippedExchanges.projectDir().resolve("exchanges/feeds/kraken.yaml"))
                        .replace("wss://ws.kraken.com/v2", "ws://127.0.0.1:" + NodeJvm.freePorts(1) + "/v2"));
        Path file =
                Files.createDirectories(dir.resolve("exchanges/environments")).resolve(name + ".yaml");
        Files.writeString(file, """
                name: %s
                feeds-dir: ../feeds
                feeds:
                  kraken:
                    enabled: true
                    instruments: [BTC/USD]
                streams:
                  defaults:
                    max-bytes: 16MiB
                    max-age: 1h
                    duplicate-window: 2m
                    storage: file
                storage:
                  archive-root: ./archive
                  rotation: 1m
                archivers:
                  - name: main
                    streams: all
                gateway:
                  enabled: true
                """.formatted(name));
        return file;
    }
}
