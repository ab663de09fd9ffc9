package io.ssmd.feeds.shard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.shard.ConnectTarget;
import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.FrameDecoder;
import io.ssmd.core.shard.ShardContext;
import io.ssmd.core.shard.VenueConnector;
import io.ssmd.feeds.kraken.replay.KrakenReplayServer;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The least a Kraken-speaking connector can be: whole frames routed by their first symbol, heartbeats and pongs
 * counted. It exercises the shard machinery (reconnect, watchdog, isolation, health) independently of the real
 * Kraken decoder.
 */
final class WholeFrameConnector implements VenueConnector {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EnabledFeed feed;

    WholeFrameConnector(EnabledFeed feed) {
        this.feed = feed;
    }

    @Override
    public String venue() {
        return "kraken";
    }

    @Override
    public ConnectTarget target() {
        return ConnectTarget.of(feed.definition().endpoints().websocket());
    }

    @Override
    public List<String> subscribe(List<String> instruments) {
        return KrakenReplayServer.subscribeMessages(instruments);
    }

    @Override
    public Optional<String> keepalive() {
        return Optional.of("{\"method\":\"ping\"}");
    }

    @Override
    public FrameDecoder decoder(ShardContext shard) {
        return frame -> {
            JsonNode node;
            try {
                node = JSON.readTree(frame);
            } catch (IOException e) {
                return Decoded.unparsed("not JSON: " + e.getMessage());
            }
            if (node == null || !node.isObject()) {
                return Decoded.unparsed("not a JSON object");
            }
            String channel = node.path("channel").asText("");
            if (channel.equals("heartbeat")) {
                return Decoded.heartbeat();
            }
            if (node.path("method").asText("").equals("pong")) {
                return Decoded.pong();
            }
            JsonNode symbol = node.path("data").path(0).path("symbol");
            if (symbol.isTextual() && (channel.equals("book") || channel.equals("trade") || channel.equals("ticker"))) {
                String type = channel.equals("book") ? "orderbook" : channel;
                return Decoded.data(
                        type, List.of(new Decoded.Routed(shard.marketData(type, symbol.asText()), frame, 0)));
            }
            return Decoded.system(channel.isEmpty() ? "ack" : channel, shard, frame);
        };
    }
}
