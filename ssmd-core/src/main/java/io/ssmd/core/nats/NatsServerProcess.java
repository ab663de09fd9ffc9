package io.ssmd.core.nats;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@code nats-server} child process with JetStream: the embedded default of {@code ssmd run}, the test harness
 * and the benchmarks all use it. Its working directory holds the generated config, the JetStream store
 * ({@code jetstream/}), a pid file and the server log ({@code nats-server.log}).
 *
 * <p>The port is chosen once and kept across {@link #restart()}, so clients reconnect to the same address.
 */
public final class NatsServerProcess implements AutoCloseable {

    /** The payload limit ssmd runs its own servers with (DESIGN §4): venues' largest frames fit. */
    public static final int DEFAULT_MAX_PAYLOAD = 8 * 1024 * 1024;

    private static final List<Path> WELL_KNOWN = List.of(
            Path.of("/usr/sbin/nats-server"), Path.of("/usr/bin/nats-server"), Path.of("/usr/local/bin/nats-server"));

    private final Path binary;
    private final Path workDir;
    private final int port;
    private final int maxPayload;
    private final Duration startTimeout;
    /** JetStream's {@code max_file_store} in bytes; 0 for the server's own (75 % of the disk's free space). */
    private final long maxFileStore;

    private volatile Process process;
    private volatile boolean stopRequested;

    private NatsServerProcess(
            Path binary, Path workDir, int port, int maxPayload, Duration startTimeout, long maxFileStore) {
        this.binary = binary;
        this.workDir = workDir;
        this.port = port;
        this.maxPayload = maxPayload;
        this.startTimeout = startTimeout;
        this.maxFileStore = maxFileStore;
    }

    /**
     * The same server (not started) with JetStream's {@code max_file_store} set: what its streams may reserve in all.
     * The server's own default is 75 % of the disk's free space when it starts, so on a fuller disk a few streams
     * with ssmd's default {@code max-bytes} (10 GiB each, reserved when created) exhaust it and the next one is
     * refused ("insufficient storage resources"). Test servers, whose streams hold little, set it high so their
     * outcome does not depend on the disk's free space.
     */
    public NatsServerProcess withMaxFileStore(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("max_file_store must be positive: " + bytes);
        }
        return new NatsServerProcess(binary, workDir, port, maxPayload, startTimeout, bytes);
    }

    /**
     * Prepares (does not start) a server in {@code workDir}.
     *
     * @param preferredPort the port to use when free; 0, or a port already taken, picks a free one
     * @throws NatsServerMissingException when no {@code nats-server} binary can be found
     */
    public static NatsServerProcess create(
            Optional<Path> binary, Path workDir, int preferredPort, int maxPayload, Duration startTimeout) {
        Path resolved = binary.orElseGet(NatsServerProcess::findBinary);
        if (!Files.isExecutable(resolved)) {
            throw new NatsServerMissingException(resolved.toString());
        }
        int port = preferredPort > 0 && isFree(preferredPort) ? preferredPort : freePort();
        return new NatsServerProcess(resolved, workDir.toAbsolutePath(), port, maxPayload, startTimeout, 0);
    }

    /** A server in {@code workDir} on a free port with ssmd's defaults. */
    public static NatsServerProcess create(Path workDir) {
        return create(Optional.empty(), workDir, 0, DEFAULT_MAX_PAYLOAD, Duration.ofSeconds(30));
    }

    /** {@code nats-server} from the PATH or the places Debian and tarballs put it ({@code /usr/sbin} is not on every PATH). */
    public static Path findBinary() {
        String path = System.getenv().getOrDefault("PATH", "");
        List<Path> candidates = new ArrayList<>();
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "nats-server"));
            }
        }
        candidates.addAll(WELL_KNOWN);
        return candidates.stream()
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new NatsServerMissingException(null));
    }

    public int port() {
        return port;
    }

    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    public Path workDir() {
        return workDir;
    }

    public Path storeDir() {
        return workDir.resolve("jetstream");
    }

    public Path logFile() {
        return workDir.resolve("nats-server.log");
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** The running process's pid, if any. */
    public Optional<Long> pid() {
        Process p = process;
        return p != null && p.isAlive() ? Optional.of(p.pid()) : Optional.empty();
    }

    /** Whether the last exit was asked for ({@link #stop()}), as opposed to a crash or {@link #kill()}. */
    public boolean isStopRequested() {
        return stopRequested;
    }

    /** Completes when the current process exits, with its exit code. */
    public CompletableFuture<Integer> onExit() {
        Process p = process;
        if (p == null) {
            return CompletableFuture.completedFuture(-1);
        }
        return p.onExit().thenApply(Process::exitValue);
    }

    /**
     * Starts the server and waits until it accepts clients.
     *
     * @throws IllegalStateException when it exits or does not become ready within the start timeout; the message
     *                               carries the end of its log
     */
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        stopRequested = false;
        try {
            Files.createDirectories(storeDir());
            killLeftover();
            Path conf = workDir.resolve("nats-server.conf");
            Files.writeString(conf, config(), StandardCharsets.UTF_8);
            ProcessBuilder builder =
                    new ProcessBuilder(binary.toString(), "-c", conf.toString()).redirectErrorStream(true);
            Process started = builder.start();
            process = started;
            Files.writeString(workDir.resolve("nats-server.pid"), Long.toString(started.pid()), StandardCharsets.UTF_8);
            CountDownLatch ready = new CountDownLatch(1);
            Thread pump = new Thread(() -> pumpLog(started, ready), "nats-server-log-" + port);
            pump.setDaemon(true);
            pump.start();
            boolean up = ready.await(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!up || !started.isAlive()) {
                stop();
                throw new IllegalStateException("nats-server on port " + port + " did not start; its log (" + logFile()
                        + ") ends with:\n" + tail(20));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary + " in " + workDir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new IllegalStateException("interrupted while starting nats-server", e);
        }
    }

    /** Stops the server: SIGTERM, then SIGKILL when it has not exited within ten seconds. */
    public synchronized void stop() {
        stopRequested = true;
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
        try {
            Files.deleteIfExists(workDir.resolve("nats-server.pid"));
        } catch (IOException ignored) {
            // a stale pid file is handled by the next start
        }
    }

    /** Kills the server without letting it shut down cleanly, as a crash or an OOM kill would. */
    public synchronized void kill() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Stops and starts again on the same port with the same store. */
    public synchronized void restart() {
        stop();
        start();
    }

    @Override
    public void close() {
        stop();
    }

    private String config() {
        // JSON is valid nats-server config syntax and needs no quoting rules of its own.
        return "{\n"
                + "  \"listen\": \"127.0.0.1:" + port + "\",\n"
                + "  \"max_payload\": " + maxPayload + ",\n"
                + "  \"jetstream\": {\"store_dir\": \"" + storeDir().toString().replace("\\", "\\\\") + "\""
                + (maxFileStore > 0 ? ", \"max_file_store\": " + maxFileStore : "")
                + "}\n"
                + "}\n";
    }

    private void pumpLog(Process p, CountDownLatch ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                Writer log = Files.newBufferedWriter(
                        logFile(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            String line;
            while ((line = in.readLine()) != null) {
                log.write(line);
                log.write('\n');
                log.flush();
                if (line.contains("Server is ready")) {
                    ready.countDown();
                }
            }
        } catch (IOException ignored) {
            // the process is gone; start() reports it through the latch timing out
        } finally {
            ready.countDown();
        }
    }

    /** A server left running by an ssmd that was killed (SIGKILL skips shutdown hooks) would hold the store. */
    private void killLeftover() throws IOException {
        Path pidFile = workDir.resolve("nats-server.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(
                    Files.readString(pidFile, StandardCharsets.UTF_8).trim());
            ProcessHandle.of(pid)
                    .filter(h -> h.info()
                            .command()
                            .map(c -> c.endsWith("nats-server"))
                            .orElse(false))
                    .ifPresent(h -> {
                        h.destroy();
                        h.onExit()
                                .orTimeout(10, TimeUnit.SECONDS)
                                .exceptionally(e -> {
                                    h.destroyForcibly();
                                    return h;
                                })
                                .join();
                    });
        } catch (NumberFormatException ignored) {
            // not ours to interpret
        }
        Files.deleteIfExists(pidFile);
    }

    private String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for nats-server", e);
        }
    }
}
