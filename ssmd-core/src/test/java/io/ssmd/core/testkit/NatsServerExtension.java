package io.ssmd.core.testkit;

import io.nats.client.Connection;
import io.ssmd.core.nats.NatsConnections;
import io.ssmd.core.nats.NatsServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real {@code nats-server} with JetStream per test class, on a random port with a temporary store that is deleted
 * afterwards (DESIGN §12). Tests may stop, kill and restart it; each test starts with it running again, so no test
 * depends on what an earlier one did to it.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final NatsServerExtension NATS = new NatsServerExtension();
 * }</pre>
 *
 * <p>With {@code @ExtendWith(NatsServerExtension.class)} instead, a test method or constructor receives the extension
 * as a parameter of type {@code NatsServerExtension}. Connections opened through {@link #connect()} are closed after
 * the class.
 */
public final class NatsServerExtension
        implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback, ParameterResolver {

    /**
     * What a test server's streams may reserve in all: far above what they hold, so that the streams a test class
     * creates with ssmd's default {@code max-bytes} (10 GiB each) fit whatever the disk's free space.
     */
    public static final long TEST_MAX_FILE_STORE = 1L << 40;

    /** Short so tests see a restarted server quickly. */
    public static final Duration RECONNECT_WAIT = Duration.ofMillis(100);

    private static final AtomicInteger NAMES = new AtomicInteger();

    private final int maxPayload;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private volatile Path workDir;
    private volatile NatsServerProcess server;

    /** A server with ssmd's own {@code max_payload} ({@link NatsServerProcess#DEFAULT_MAX_PAYLOAD}). */
    public NatsServerExtension() {
        this(NatsServerProcess.DEFAULT_MAX_PAYLOAD);
    }

    private NatsServerExtension(int maxPayload) {
        this.maxPayload = maxPayload;
    }

    /** A server that takes messages of at most {@code maxPayload} bytes, headers included, as a stock one may. */
    public static NatsServerExtension withMaxPayload(int maxPayload) {
        return new NatsServerExtension(maxPayload);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        workDir = Files.createTempDirectory("ssmd-nats-");
        server = NatsServerProcess.create(Optional.empty(), workDir, 0, maxPayload, Duration.ofSeconds(30))
                .withMaxFileStore(TEST_MAX_FILE_STORE);
        server.start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        server().start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        for (Connection connection : connections) {
            try {
                connection.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        connections.clear();
        if (server != null) {
            server.stop();
        }
        if (workDir != null) {
            deleteRecursively(workDir);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == NatsServerExtension.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return this;
    }

    public String url() {
        return server().url();
    }

    public int port() {
        return server().port();
    }

    /** The server process itself, for its store directory or log. */
    public NatsServerProcess server() {
        NatsServerProcess s = server;
        if (s == null) {
            throw new IllegalStateException(
                    "NatsServerExtension is not registered as a static @RegisterExtension field");
        }
        return s;
    }

    /** Starts the server when it is not running; waits until it accepts clients. */
    public void start() {
        server().start();
    }

    /** Stops the server cleanly (it flushes its store). */
    public void stop() {
        server().stop();
    }

    /** Kills the server without a clean shutdown, as a crash would. */
    public void kill() {
        server().kill();
    }

    /** Stops and starts again on the same port with the same store. */
    public void restart() {
        server().restart();
    }

    /** A new connection that reconnects forever every {@link #RECONNECT_WAIT}; closed after the class. */
    public Connection connect() {
        try {
            Connection connection = NatsConnections.connect(url(), "test-" + NAMES.incrementAndGet(), RECONNECT_WAIT);
            connections.add(connection);
            return connection;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + url(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to " + url(), e);
        }
    }

    /** A name no other test of this JVM has used, for streams and subjects ({@code PREFIX_7}). */
    public static String freshName(String prefix) {
        return prefix + "_" + NAMES.incrementAndGet();
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
