package io.ssmd.feeds.polymarket.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.feeds.replay.RecordedFrame;
import io.ssmd.feeds.replay.SessionContext;
import io.ssmd.feeds.replay.SessionOutput;
import io.ssmd.feeds.replay.VenueSession;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One client of the market channel ({@code /ws/market}), server side.
 * <ul>
 *   <li>Nothing is sent on connect. The client subscribes with {@code {"assets_ids":[…],"type":"market"}} and
 *   later {@code {"operation":"subscribe"|"unsubscribe","assets_ids":[…]}}. There is no ack: the answer to a
 *   subscription is the initial dump, one frame holding a JSON array of {@code book} events, one per newly
 *   subscribed asset (unless {@code "initial_dump":false}). Unsubscribing is not answered.</li>
 *   <li>Asset ids the server does not serve are ignored without a word, as the venue does; the reject fault
 *   refuses ids with a stand-in event (see {@link PolymarketFrames#subscriptionRejected}).</li>
 *   <li>Text {@code PING} is answered with text {@code PONG} (not JSON). A client that sends no {@code PING} for
 *   the idle timeout is closed, as the venue closes idle connections.</li>
 *   <li>Anything else the client sends (not JSON, other operations) is ignored.</li>
 * </ul>
 */
final class PolymarketReplaySession implements VenueSession {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SessionContext context;
    private final PolymarketSyntheticMarket market;
    private final long idleTimeoutMillis;
    /** Subscribed asset ids in subscription order; pumps go round them. */
    private final Set<String> subscribed = new LinkedHashSet<>();

    private final List<String> frames = new ArrayList<>();
    private List<String> rotation = List.of();
    private int next = -1;
    private boolean customFeatures;
    private boolean pingSinceTick;
    private long lastPingMillis = -1;

    PolymarketReplaySession(SessionContext context, PolymarketUniverse universe, Duration idleTimeout) {
        this.context = context;
        this.market = new PolymarketSyntheticMarket(universe, context.seed());
        this.idleTimeoutMillis = idleTimeout.toMillis();
    }

    @Override
    public void onOpen(SessionOutput out) {
        // The venue greets with nothing: the first frame a client sees answers its subscription.
    }

    @Override
    public void onClientText(String text, SessionOutput out) {
        if (text.equals("PING")) {
            pingSinceTick = true;
            if (!context.faults().ignorePings()) {
                out.send("PONG");
            }
            return;
        }
        JsonNode request;
        try {
            request = JSON.readTree(text);
        } catch (IOException e) {
            return;
        }
        if (request == null
                || !request.isObject()
                || !request.path("assets_ids").isArray()) {
            return;
        }
        String operation = request.path("operation").asText("");
        if (operation.equals("unsubscribe")) {
            request.get("assets_ids").forEach(id -> subscribed.remove(id.asText()));
            rotation = List.copyOf(subscribed);
        } else if (operation.equals("subscribe")
                || request.path("type").asText("").equalsIgnoreCase("market")) {
            customFeatures |= request.path("custom_feature_enabled").asBoolean(false);
            subscribe(request.get("assets_ids"), request.path("initial_dump").asBoolean(true), out);
        }
    }

    private void subscribe(JsonNode ids, boolean initialDump, SessionOutput out) {
        Set<String> accepted = new LinkedHashSet<>();
        List<String> refused = new ArrayList<>();
        for (JsonNode node : ids) {
            String id = node.asText();
            if (context.faults().rejects(id)) {
                refused.add(id);
            } else if (!context.settings().synthetic() || market.serves(id)) {
                // A recording may hold any asset, so recorded mode takes every id; in synthetic mode ids outside
                // the universe are dropped without a word, as the venue does with ids it does not know.
                accepted.add(id);
            }
        }
        subscribed.addAll(accepted);
        rotation = List.copyOf(subscribed);
        long now = System.currentTimeMillis();
        if (!refused.isEmpty()) {
            out.send(PolymarketFrames.subscriptionRejected(refused, now));
        }
        // Recorded mode has no book of its own to dump: the recording's book events are the snapshots.
        if (initialDump && context.settings().synthetic() && !accepted.isEmpty()) {
            StringBuilder dump = new StringBuilder("[");
            for (String id : accepted) {
                dump.append(dump.length() > 1 ? "," : "").append(market.bookEvent(id, now));
            }
            out.sendData(dump.append(']').toString());
        }
    }

    @Override
    public void onPump(SessionOutput out) {
        if (rotation.isEmpty()) {
            return;
        }
        next = next < rotation.size() - 1 ? next + 1 : 0;
        String token = rotation.get(next);
        frames.clear();
        market.step(token, subscribed, System.currentTimeMillis(), frames);
        frames.forEach(out::sendData);
    }

    @Override
    public void onRecorded(RecordedFrame frame, SessionOutput out) {
        if (!subscribed.isEmpty() && PolymarketRecordedFilter.wanted(frame.text(), subscribed, customFeatures)) {
            out.sendData(frame.text());
        }
    }

    /** Idle deadlines count in ticks, so the session needs no clock: a PING since the last tick resets it. */
    @Override
    public void onTick(long nowMillis, SessionOutput out) {
        if (pingSinceTick || lastPingMillis < 0) {
            lastPingMillis = nowMillis;
            pingSinceTick = false;
        } else if (nowMillis - lastPingMillis >= idleTimeoutMillis) {
            out.close("no PING for " + idleTimeoutMillis + " ms");
        }
    }

    @Override
    public Set<String> instruments() {
        return Set.copyOf(subscribed);
    }
}
