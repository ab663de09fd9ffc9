package io.ssmd.http;

import io.ssmd.core.settings.NodeSettings.HttpSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;

/** A route bound on a free local port through {@link HttpServer}, as a node binds it, and a client for it. */
final class RouteServer implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final ServerBinding binding;

    private RouteServer(ServerBinding binding) {
        this.binding = binding;
    }

    static RouteServer bind(ActorTestKit testKit, Route route) {
        return new RouteServer(HttpServer.bind(testKit.system(), new HttpSettings("127.0.0.1", 0), route)
                .toCompletableFuture()
                .join());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path);
        return HTTP.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        // terminate, not unbind: the client keeps its connections alive, and they would hold the actor system open.
        binding.terminate(Duration.ofSeconds(2)).toCompletableFuture().join();
    }
}
