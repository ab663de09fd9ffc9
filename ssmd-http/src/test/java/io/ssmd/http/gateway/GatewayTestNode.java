package io.ssmd.http.gateway;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.GatewaySpec;
import io.ssmd.core.nats.EpochMicros;
import io.ssmd.core.nats.PublishHeaders;
import io.ssmd.core.settings.NodeSettings.HttpSettings;
import io.ssmd.core.shard.ShardHealth;
import io.ssmd.core.subject.SecmasterSubjects;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.http.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * A gateway on a real nats-server and a real HTTP port, fed by messages published on the feeds' real subjects with
 * ssmd's headers, as a connector would. Each node has its own environment name, so tests share a server.
 */
final class GatewayTestNode implements AutoCloseable {

    private final String env;
    private final Connection nats;
    private final JetStream jetStream;
    private final ActorSystem<Void> system;
    private final Gateway gateway;
    private final ServerBinding binding;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final AtomicLong frames = new AtomicLong();

    private GatewayTestNode(
            NatsServerExtension server,
            List<String> feeds,
            GatewaySpec spec,
            ApiKeys keys,
            Supplier<CompletionStage<List<ShardHealth>>> health,
            InstrumentDirectory directory)
            throws Exception {
        env = NatsServerExtension.freshName("gw").toLowerCase();
        nats = server.connect();
        jetStream = nats.jetStream();
        for (String feed : feeds) {
            nats.jetStreamManagement()
                    .addStream(StreamConfiguration.builder()
                            .name(Subjects.streamName(env, feed))
                            .subjects(Subjects.streamSubjects(env, feed))
                            .storageType(StorageType.File)
                            .build());
        }
        // The security master's change events, as the relay's stream carries them (DESIGN §15).
        nats.jetStreamManagement()
                .addStream(StreamConfiguration.builder()
                        .name(SecmasterSubjects.streamName(env))
                        .subjects(SecmasterSubjects.streamSubjects(env))
                        .storageType(StorageType.File)
                        .build());
        List<GatewayFeed> gatewayFeeds = feeds.stream()
                .map(feed -> new GatewayFeed(feed, Optional.of(new TestNormalizer()), OptionalInt.empty(), List.of()))
                .toList();
        system = ActorSystem.create(Behaviors.empty(), "gateway-test");
        gateway = Gateway.start(system, nats, env, gatewayFeeds, spec, keys, registry, directory);
        gateway.warmedUp().get(30, TimeUnit.SECONDS);
        binding = HttpServer.bind(system, new HttpSettings("127.0.0.1", 0), gateway.routes(health))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    static GatewayTestNode start(NatsServerExtension server, List<String> feeds, GatewaySpec spec) throws Exception {
        return new GatewayTestNode(
                server,
                feeds,
                spec,
                ApiKeys.none(),
                () -> CompletableFuture.completedFuture(List.of()),
                InstrumentDirectory.NONE);
    }

    /**
     * A node whose feeds' shards carry {@code assigned} (feed → instruments), as the health registry reports them:
     * the instruments its clients may subscribe to before they have data.
     */
    static GatewayTestNode start(
            NatsServerExtension server, List<String> feeds, GatewaySpec spec, Map<String, List<String>> assigned)
            throws Exception {
        return new GatewayTestNode(server, feeds, spec, ApiKeys.none(), health(assigned), InstrumentDirectory.NONE);
    }

    /** One streaming shard per feed carrying the given instruments, as the health registry would answer. */
    static Supplier<CompletionStage<List<ShardHealth>>> health(Map<String, List<String>> assigned) {
        List<ShardHealth> shards = assigned.entrySet().stream()
                .map(e -> shard(e.getKey(), e.getKey() + "-0", e.getValue()))
                .toList();
        return () -> CompletableFuture.completedFuture(shards);
    }

    /** A streaming shard's health report. */
    static ShardHealth shard(String feed, String shard, List<String> instruments) {
        return new ShardHealth(
                feed,
                shard,
                "test",
                ShardHealth.STREAMING,
                1,
                0,
                Map.of(),
                0,
                instruments,
                Map.of(),
                "",
                System.currentTimeMillis());
    }

    static GatewayTestNode start(
            NatsServerExtension server,
            List<String> feeds,
            GatewaySpec spec,
            ApiKeys keys,
            Supplier<CompletionStage<List<ShardHealth>>> health)
            throws Exception {
        return new GatewayTestNode(server, feeds, spec, keys, health, InstrumentDirectory.NONE);
    }

    /** A node that looks symbols no shard carries up in {@code directory} (the security master). */
    static GatewayTestNode start(
            NatsServerExtension server,
            List<String> feeds,
            GatewaySpec spec,
            Map<String, List<String>> assigned,
            InstrumentDirectory directory)
            throws Exception {
        return new GatewayTestNode(server, feeds, spec, ApiKeys.none(), health(assigned), directory);
    }

    static GatewaySpec spec(int queueSize, Duration maxLag) {
        return new GatewaySpec(true, Optional.empty(), queueSize, maxLag, 50);
    }

    ActorSystem<Void> system() {
        return system;
    }

    String env() {
        return env;
    }

    Gateway gateway() {
        return gateway;
    }

    PrometheusRegistry registry() {
        return registry;
    }

    URI streamUri(String query) {
        return URI.create("ws://127.0.0.1:" + binding.localAddress().getPort() + "/v1/stream"
                + (query.isEmpty() ? "" : "?" + query));
    }

    URI httpUri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + pathAndQuery);
    }

    /** Publishes one market-data message on {@code {env}.{feed}.json.{type}.{token}} with ssmd's headers. */
    PublishAck publish(String feed, String type, String instrument, String json) {
        return publishOn(Subjects.marketData(env, feed, type, Subjects.token(instrument)), feed, json);
    }

    /** Publishes on any subject of the feed (control events, a market token that is not the instrument's). */
    PublishAck publishOn(String subject, String feed, String json) {
        Headers headers = new Headers()
                .put(PublishHeaders.MSG_ID, feed + "-0:1:" + frames.incrementAndGet() + ":0")
                .put(PublishHeaders.RECEIVED_AT, Long.toString(EpochMicros.now()))
                .put(PublishHeaders.SHARD, feed + "-0");
        try {
            return jetStream.publish(NatsMessage.builder()
                    .subject(subject)
                    .headers(headers)
                    .data(json.getBytes(StandardCharsets.UTF_8))
                    .build());
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("publish on " + subject + " failed", e);
        }
    }

    /**
     * Publishes a security-master change event as the relay does: on {@code {env}.secmaster.{feed}.{event}.{token}},
     * {@code Nats-Msg-Id} and {@code Ssmd-Outbox-Id} the outbox id, the outbox payload as the body.
     */
    PublishAck publishSecmaster(long outboxId, String feed, String event, String instrument, String status) {
        String subject = SecmasterSubjects.subject(env, feed, event, instrument);
        String payload = "{\"feed\":\"" + feed + "\",\"instrument\":\"" + instrument + "\",\"event\":\"" + event
                + "\",\"field\":\"status\",\"old\":null,\"new\":\"" + status + "\",\"market\":{\"status\":\""
                + status + "\"}}";
        Headers headers = new Headers()
                .put("Nats-Msg-Id", Long.toString(outboxId))
                .put(SecmasterSubjects.OUTBOX_ID, Long.toString(outboxId));
        try {
            return jetStream.publish(NatsMessage.builder()
                    .subject(subject)
                    .headers(headers)
                    .data(payload.getBytes(StandardCharsets.UTF_8))
                    .build());
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("publish on " + subject + " failed", e);
        }
    }

    @Override
    public void close() {
        binding.unbind().toCompletableFuture().join();
        gateway.close();
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
    }
}
