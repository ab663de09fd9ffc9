package io.ssmd.bench;

import io.nats.client.Connection;
import io.ssmd.core.nats.NatsConnections;
import io.ssmd.core.nats.NatsServerProcess;
import io.ssmd.core.nats.StreamSetup;
import io.ssmd.core.nats.StreamSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A throwaway nats-server for one benchmark, in a temporary directory deleted on close, with the stream
 * configuration every benchmark uses: file storage, limits retention, a two-minute duplicate window.
 */
final class BenchServer implements AutoCloseable {

    /** The size of a typical venue frame, so results compare with DESIGN's figures. */
    static final int PAYLOAD_BYTES = 300;

    private final Path workDir;
    private final NatsServerProcess server;
    private final Connection connection;

    private BenchServer(Path workDir, NatsServerProcess server, Connection connection) {
        this.workDir = workDir;
        this.server = server;
        this.connection = connection;
    }

    static BenchServer start() {
        Path workDir = null;
        NatsServerProcess server = null;
        try {
            workDir = Files.createTempDirectory("ssmd-bench-");
            server = NatsServerProcess.create(workDir);
            server.start();
            return new BenchServer(workDir, server, NatsConnections.connect(server.url(), "ssmd-bench"));
        } catch (IOException e) {
            cleanUp(server, workDir);
            throw new UncheckedIOException("cannot start the benchmark's nats-server", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cleanUp(server, workDir);
            throw new IllegalStateException("interrupted while starting the benchmark's nats-server", e);
        } catch (RuntimeException e) {
            cleanUp(server, workDir);
            throw e;
        }
    }

    Connection connection() {
        return connection;
    }

    /** Creates a fresh stream {@code name} capturing {@code {subjectPrefix}.>}. */
    void createStream(String name, String subjectPrefix) {
        try {
            new StreamSetup(connection.jetStreamManagement())
                    .apply(
                            List.of(new StreamSpec(
                                    name,
                                    List.of(subjectPrefix + ".>"),
                                    -1,
                                    Duration.ZERO,
                                    Duration.ofMinutes(2),
                                    StreamSpec.Storage.FILE,
                                    1)),
                            List.of(subjectPrefix + ".*"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] payload() {
        byte[] payload = new byte[PAYLOAD_BYTES];
        byte[] pattern = "{\"channel\":\"trade\",\"data\":[{\"symbol\":\"BTC/USD\",\"price\":97000.1}]}"
                .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < payload.length; i++) {
            payload[i] = pattern[i % pattern.length];
        }
        return payload;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cleanUp(server, workDir);
    }

    private static void cleanUp(NatsServerProcess server, Path workDir) {
        if (server != null) {
            server.stop();
        }
        if (workDir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(workDir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the benchmark directory " + workDir, e);
        }
    }
}
