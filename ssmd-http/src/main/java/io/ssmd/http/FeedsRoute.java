package io.ssmd.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmd.core.shard.ShardHealth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /v1/feeds}: every enabled feed and its shards' health (DESIGN §7), from the cluster-wide registry. A
 * feed whose shards have not reported yet is listed with no shards.
 */
public final class FeedsRoute extends AllDirectives {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> feeds;
    private final Supplier<CompletionStage<List<ShardHealth>>> health;

    public FeedsRoute(List<String> feeds, Supplier<CompletionStage<List<ShardHealth>>> health) {
        this.feeds = List.copyOf(feeds);
        this.health = health;
    }

    public Route route() {
        return path(
                segment("v1").slash("feeds"),
                () -> get(() -> onSuccess(
                        health.get(), shards -> complete(StatusCodes.OK, JsonEntities.of(render(feeds, shards))))));
    }

    static ObjectNode render(List<String> feeds, List<ShardHealth> shards) {
        Map<String, ArrayNode> byFeed = new LinkedHashMap<>();
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("feeds");
        for (String feed : feeds) {
            ObjectNode node = list.addObject().put("feed", feed);
            byFeed.put(feed, node.putArray("shards"));
        }
        for (ShardHealth h : shards) {
            ArrayNode target = byFeed.computeIfAbsent(
                    h.feed(), f -> list.addObject().put("feed", f).putArray("shards"));
            ObjectNode shard = target.addObject()
                    .put("shard", h.shard())
                    .put("node", h.node())
                    .put("state", h.state());
            if (h.connectedSince() > 0) {
                shard.put("connectedSince", h.connectedSince());
            } else {
                shard.putNull("connectedSince");
            }
            if (h.lastMessageAgeMs() >= 0) {
                shard.put("lastMessageAgeMs", h.lastMessageAgeMs());
            } else {
                shard.putNull("lastMessageAgeMs");
            }
            ObjectNode messages = shard.putObject("messages");
            h.messages().forEach(messages::put);
            shard.put("reconnects", h.reconnects());
            h.instruments().forEach(shard.putArray("instruments")::add);
            ObjectNode rejected = shard.putObject("rejected");
            h.rejected().forEach(rejected::put);
            shard.put("lastError", h.lastError());
            // Beyond the DESIGN §7 shape: lets a client turn two reports' counts into an exact rate.
            shard.put("reportedAt", h.reportedAt());
        }
        return body;
    }
}
