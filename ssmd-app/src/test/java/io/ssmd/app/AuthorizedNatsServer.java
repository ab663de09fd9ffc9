package io.ssmd.app;

import io.ssmd.core.nats.NatsServerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real nats-server with JetStream that requires credentials: {@code authConfig} is the part of its config that
 * says how ({@code authorization: {"token": "..."}}, or an operator with its accounts). The test harness's server
 * has no such option, so this one writes its own config; it can be restarted on the same port.
 */
final class AuthorizedNatsServer implements AutoCloseable {

    private final Path dir;
    private final String authConfig;
    private final int port;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private Process process;

    AuthorizedNatsServer(Path dir, String authConfig) {
        this.dir = dir;
        this.authConfig = authConfig;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            this.port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    /** The server's URL without credentials. */
    String url() {
        return "nats://127.0.0.1:" + port;
    }

    /** Starts the server and waits until it says it is ready. */
    synchronized AuthorizedNatsServer start() {
        try {
            Files.createDirectories(dir.resolve("store"));
            Path conf = dir.resolve("nats-server.conf");
            Files.writeString(
                    conf,
                    "listen: \"127.0.0.1:" + port + "\"\nmax_payload: " + NatsServerProcess.DEFAULT_MAX_PAYLOAD
                            + "\njetstream: {store_dir: \"" + dir.resolve("store") + "\"}\n" + authConfig + "\n");
            Process p = new ProcessBuilder(NatsServerProcess.findBinary().toString(), "-c", conf.toString())
                    .redirectErrorStream(true)
                    .start();
            process = p;
            CountDownLatch ready = new CountDownLatch(1);
            Thread pump = new Thread(
                    () -> {
                        try (BufferedReader in =
                                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                            String line;
                            while ((line = in.readLine()) != null) {
                                output.add(line);
                                if (line.contains("Server is ready")) {
                                    ready.countDown();
                                }
                            }
                        } catch (IOException ignored) {
                            // the process is gone
                        } finally {
                            ready.countDown();
                        }
                    },
                    "authorized-nats-" + port);
            pump.setDaemon(true);
            pump.start();
            if (!ready.await(30, TimeUnit.SECONDS) || !p.isAlive()) {
                throw new IllegalStateException("nats-server did not start:\n" + String.join("\n", output));
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the server cleanly and waits for it to exit. */
    synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }
}
