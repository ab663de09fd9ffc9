package io.ssmd.http.gateway;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.ssmd.http.JsonEntities;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * {@code GET /v1/stream}: the gateway's WebSocket (docs/gateway.md). One stream graph per client: what it sends goes
 * to {@link GatewayCore#onClientMessage}, what it receives comes from its {@link ClientOutbox}. The two sides are
 * coupled, so a client that goes away is forgotten and a client the gateway closes is disconnected.
 */
public final class StreamRoute extends AllDirectives {

    /** Client messages are small commands; a longer one is refused (and read to its end, never buffered whole). */
    static final int MAX_CLIENT_MESSAGE_CHARS = 64 * 1024;

    private final GatewayCore core;
    private final ApiKeys apiKeys;
    private final Supplier<CompletionStage<Map<String, Set<String>>>> assigned;

    /** @param assigned the instruments the feeds' shards carry now (feed → ids), which clients may subscribe to */
    public StreamRoute(
            GatewayCore core, ApiKeys apiKeys, Supplier<CompletionStage<Map<String, Set<String>>>> assigned) {
        this.core = core;
        this.apiKeys = apiKeys;
        this.assigned = assigned;
    }

    public Route route() {
        return path(
                segment("v1").slash("stream"),
                () -> apiKeys.guardAllowingQuery(() -> get(() -> parameterOptional(
                        "raw",
                        raw -> extractMaterializer(materializer -> extractWebSocketUpgrade(upgrade -> upgrade(
                                upgrade, raw.map("true"::equalsIgnoreCase).orElse(false), materializer)))))));
    }

    /** A drained gateway (the daily cycle's teardown) and a full one refuse the client with 503 and why. */
    private Route upgrade(
            org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade upgrade, boolean raw, Materializer materializer) {
        Optional<String> drained = core.drained();
        if (drained.isPresent()) {
            return complete(StatusCodes.SERVICE_UNAVAILABLE, JsonEntities.error(drained.get()));
        }
        if (!core.hasRoomForClient()) {
            return complete(StatusCodes.SERVICE_UNAVAILABLE, JsonEntities.error(full()));
        }
        return complete(upgrade.handleMessagesWith(clientFlow(raw, materializer)));
    }

    /**
     * The client is registered when the flow runs (the upgrade succeeded), not when the route is evaluated; if the
     * gateway filled up in between, the client gets a {@code closing} message and the connection ends.
     */
    private Flow<Message, Message, ?> clientFlow(boolean raw, Materializer materializer) {
        return Flow.fromMaterializer((mat, attributes) -> core.connect(raw)
                .map(client -> connectedFlow(client, materializer))
                .orElseGet(() -> Flow.fromSinkAndSourceCoupled(
                        Sink.<Message>ignore(),
                        Source.<Message>single(TextMessage.create(
                                        GatewayJson.closing(core.drained().orElseGet(this::full))))
                                .mapMaterializedValue(m -> NotUsed.getInstance()))));
    }

    private String full() {
        return "this gateway serves at most " + core.maxClients()
                + " WebSocket clients at once (gateway.max-clients): try again later or another gateway node";
    }

    private Flow<Message, Message, NotUsed> connectedFlow(GatewayClient client, Materializer materializer) {
        Sink<Message, NotUsed> fromClient = Flow.<Message>create()
                .mapAsync(1, message -> text(message, materializer))
                // One command at a time, so that a subscribe waiting for the assigned instruments keeps its place.
                .mapAsync(1, inbound -> {
                    if (inbound.refusal() != null) {
                        client.outbox().offer(GatewayJson.error(inbound.refusal()));
                        return CompletableFuture.completedFuture(null);
                    }
                    return core.onClientMessage(client, inbound.text(), assigned);
                })
                .to(Sink.ignore());
        Source<Message, NotUsed> toClient =
                Source.fromGraph(client.outbox().source()).map(TextMessage::create);
        return Flow.fromSinkAndSourceCoupled(fromClient, toClient).watchTermination((notUsed, done) -> {
            done.whenComplete((d, failure) -> core.disconnect(client));
            return notUsed;
        });
    }

    /** A client message's text, or why it cannot be read as a command (binary, too long). */
    private record Inbound(String text, String refusal) {

        static Inbound of(String text) {
            return text.length() > MAX_CLIENT_MESSAGE_CHARS
                    ? refused("message longer than " + MAX_CLIENT_MESSAGE_CHARS + " characters")
                    : new Inbound(text, null);
        }

        static Inbound refused(String reason) {
            return new Inbound(null, reason);
        }
    }

    private static CompletionStage<Inbound> text(Message message, Materializer materializer) {
        if (!message.isText()) {
            return message.asBinaryMessage()
                    .getStreamedData()
                    .runWith(Sink.ignore(), materializer)
                    .thenApply(done -> Inbound.refused("binary messages are not accepted: send JSON text"));
        }
        TextMessage text = message.asTextMessage();
        if (text.isStrict()) {
            return CompletableFuture.completedFuture(Inbound.of(text.getStrictText()));
        }
        // Streamed text (DESIGN §11): collected up to the cap, the rest read and dropped.
        return text.getStreamedText()
                .runFold(
                        new StringBuilder(),
                        (collected, part) -> {
                            if (collected.length() <= MAX_CLIENT_MESSAGE_CHARS) {
                                collected.append(part);
                            }
                            return collected;
                        },
                        materializer)
                .thenApply(collected -> Inbound.of(collected.toString()));
    }
}
