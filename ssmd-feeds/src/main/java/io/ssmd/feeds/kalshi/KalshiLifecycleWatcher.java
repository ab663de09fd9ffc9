package io.ssmd.feeds.kalshi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.ssmd.core.Backoff;
import io.ssmd.core.CborSerializable;
import io.ssmd.core.shard.FeedManager;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * Keeps a discovered Kalshi feed's markets current between discoveries: it reads the {@code market_lifecycle_v2}
 * events that the feed's companion shard publishes (core NATS, {@code {env}.{feed}.*.json.lifecycle.*}) and tells
 * the {@link FeedManager} which markets to add and remove.
 *
 * <ul>
 *   <li>{@code activated} and {@code created} (and {@code deactivated} with {@code is_deactivated:false}, a pause
 *       lifted): the market is looked up through REST on the blocking dispatcher, for its category, series and
 *       status; it is added when it trades now and discovery's filters select it, its category first recorded in the
 *       feed's category map so its data goes on its category's subjects. A {@code created} market that is not open
 *       yet waits for its {@code activated}.</li>
 *   <li>{@code determined}, {@code settled} and {@code deactivated}: removed.</li>
 * </ul>
 * Changes are gathered for {@link #FLUSH_AFTER} and sent as one {@link FeedManager.ChangeInstruments}. An event
 * missed (the watcher moving with its singleton) is repaired by the manager's next rediscovery.
 *
 * <p>On a node with the security master the watcher is also its producer (DESIGN §15): the events gathered for
 * {@link #FLUSH_AFTER} are stored through {@link KalshiLifecycleSecmaster} in one transaction (rows, history, outbox
 * events for the relay), one batch at a time on the blocking dispatcher, a failed batch retried with a backoff. A
 * market whose REST lookup failed every try is held with its events (later ones join them) and looked up again alone
 * at {@link #LOOKUP_BACKOFF}: counted once in {@code ssmd_secmaster_markets_dropped_total{reason="lookup_failed"}} and
 * logged as an ERROR naming it, stored when a lookup works; the other markets of its batch are stored meanwhile. Past
 * {@link #MAX_HELD} held markets, or when the watcher moves with its singleton, the next security-master sync, which
 * lists every open market, places them. The manager is still told directly when the feed does not take its
 * instruments from the security master.
 */
public final class KalshiLifecycleWatcher extends AbstractBehavior<KalshiLifecycleWatcher.Command> {

    /** Messages of the watcher. */
    public sealed interface Command {}

    /** A lifecycle frame as the companion shard published it. */
    record Frame(byte[] data) implements Command, CborSerializable {}

    private record Resolved(List<KalshiUniverse.Market> markets, List<String> asked, Throwable failure)
            implements Command {}

    private enum Flush implements Command {
        INSTANCE
    }

    private enum Retry implements Command {
        INSTANCE
    }

    /** Time to store the gathered events in the security master. */
    private enum StoreEvents implements Command {
        INSTANCE
    }

    /** Time to look up again, one by one, the markets whose lookup failed. */
    private enum RetryLookups implements Command {
        INSTANCE
    }

    /**
     * A batch of events stored, or not: {@code failure} is null when it was, {@code applied} then says which markets'
     * events it left out. {@code retry} when the batch was the held markets' (one lookup per market).
     */
    private record Stored(
            List<KalshiLifecycleSecmaster.Event> events,
            KalshiLifecycleSecmaster.Applied applied,
            boolean retry,
            Throwable failure)
            implements Command {}

    /** Events this close together become one change of the manager (one update per shard). */
    static final Duration FLUSH_AFTER = Duration.ofMillis(200);

    private static final Duration RETRY_AFTER = Duration.ofSeconds(10);
    private static final Backoff RECORD_BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 0.2);
    /** The held markets' lookups are tried again this far apart (from 1 s, doubling to 1 min, ±20 %). */
    static final Backoff LOOKUP_BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 0.2);
    /** Markets held for a lookup at most: past it the oldest is left to the next sync (DESIGN §15 syncs list it). */
    static final int MAX_HELD = 10_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final KalshiDiscovery lookup;
    private final Map<String, String> categories;
    private final ActorRef<FeedManager.Command> manager;
    private final Dispatcher subscription;
    private final Connection nats;
    private final Executor blocking;
    private final Set<String> toLookUp = new LinkedHashSet<>();
    private final Set<String> adds = new LinkedHashSet<>();
    private final Set<String> removes = new LinkedHashSet<>();
    private boolean lookingUp;
    private final Optional<KalshiLifecycleSecmaster> secmaster;
    private final List<KalshiLifecycleSecmaster.Event> toRecord = new ArrayList<>();
    private boolean recording;
    private int recordFailures;
    /**
     * Markets whose REST lookup failed, with their events in order (later events of the market join them): stored
     * when a lookup works again, tried one by one at {@link #LOOKUP_BACKOFF}.
     */
    private final Map<String, List<KalshiLifecycleSecmaster.Event>> held = new LinkedHashMap<>();
    /** Held markets already counted in {@code ssmd_secmaster_markets_dropped_total}: once per market, not per try. */
    private final Set<String> countedLookupFailures = new LinkedHashSet<>();

    private int lookupFailures;
    private boolean retryDue;

    /**
     * Starts the watcher of feed {@code settings.feed()} as a cluster singleton on the connector nodes.
     *
     * @param categories the feed's live ticker → category map, which its decoders read
     */
    public static ActorRef<Command> init(
            ActorSystem<?> system,
            String env,
            KalshiSettings settings,
            KalshiDiscovery lookup,
            Map<String, String> categories,
            Connection nats,
            ActorRef<FeedManager.Command> manager,
            Optional<KalshiLifecycleSecmaster> secmaster) {
        return ClusterSingleton.get(system)
                .init(SingletonActor.of(
                                create(env, settings.feed(), lookup, categories, nats, manager, secmaster),
                                "kalshi-lifecycle-" + settings.feed())
                        .withSettings(ClusterSingletonSettings.create(system).withRole("connector")));
    }

    public static Behavior<Command> create(
            String env,
            String feed,
            KalshiDiscovery lookup,
            Map<String, String> categories,
            Connection nats,
            ActorRef<FeedManager.Command> manager) {
        return create(env, feed, lookup, categories, nats, manager, Optional.empty());
    }

    /** A watcher that also stores every event in the security master when {@code secmaster} is given. */
    public static Behavior<Command> create(
            String env,
            String feed,
            KalshiDiscovery lookup,
            Map<String, String> categories,
            Connection nats,
            ActorRef<FeedManager.Command> manager,
            Optional<KalshiLifecycleSecmaster> secmaster) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new KalshiLifecycleWatcher(ctx, timers, env, feed, lookup, categories, nats, manager, secmaster)));
    }

    private KalshiLifecycleWatcher(
            ActorContext<Command> context,
            TimerScheduler<Command> timers,
            String env,
            String feed,
            KalshiDiscovery lookup,
            Map<String, String> categories,
            Connection nats,
            ActorRef<FeedManager.Command> manager,
            Optional<KalshiLifecycleSecmaster> secmaster) {
        super(context);
        this.secmaster = secmaster;
        this.context = context;
        this.timers = timers;
        this.lookup = lookup;
        this.categories = categories;
        this.manager = manager;
        this.nats = nats;
        this.blocking =
                context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("ssmd-blocking-dispatcher"));
        ActorRef<Command> self = context.getSelf();
        this.subscription = nats.createDispatcher(message -> self.tell(new Frame(message.getData())));
        subscription.subscribe(env + "." + feed + ".*.json.lifecycle.*");
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Frame.class, this::onFrame)
                .onMessage(Resolved.class, this::onResolved)
                .onMessageEquals(Flush.INSTANCE, this::onFlush)
                .onMessageEquals(Retry.INSTANCE, this::onRetry)
                .onMessageEquals(StoreEvents.INSTANCE, this::onStoreEvents)
                .onMessageEquals(RetryLookups.INSTANCE, this::onRetryLookups)
                .onMessage(Stored.class, this::onStored)
                .onSignal(PostStop.class, signal -> onPostStop())
                .build();
    }

    private Behavior<Command> onFrame(Frame frame) {
        JsonNode root;
        try {
            root = JSON.readTree(frame.data());
        } catch (IOException e) {
            return this;
        }
        JsonNode msg = root == null ? null : root.get("msg");
        if (msg == null || !"market_lifecycle_v2".equals(root.path("type").asText())) {
            return this;
        }
        String ticker = msg.path("market_ticker").asText("");
        if (ticker.isEmpty()) {
            return this;
        }
        String type = msg.path("event_type").asText("");
        if (secmaster.isPresent() && !type.isEmpty()) {
            toRecord.add(new KalshiLifecycleSecmaster.Event(ticker, type, msg));
            if (!recording && !timers.isTimerActive(StoreEvents.INSTANCE)) {
                timers.startSingleTimer(StoreEvents.INSTANCE, FLUSH_AFTER);
            }
        }
        switch (msg.path("event_type").asText("")) {
            case "activated", "created" -> opened(ticker);
            case "deactivated" -> {
                // Kalshi reports a pause lifted as deactivated with is_deactivated false.
                if (msg.path("is_deactivated").isBoolean()
                        && !msg.get("is_deactivated").asBoolean()) {
                    opened(ticker);
                } else {
                    closed(ticker);
                }
            }
            case "determined", "settled" -> closed(ticker);
            default -> {
                // close_date_updated, metadata_updated, ...: the market stays as it is.
            }
        }
        return this;
    }

    private void opened(String ticker) {
        removes.remove(ticker);
        toLookUp.add(ticker);
        lookUp();
    }

    private void closed(String ticker) {
        toLookUp.remove(ticker);
        adds.remove(ticker);
        removes.add(ticker);
        flushSoon();
    }

    /**
     * One lookup at a time, for every market waiting (one {@code GET /markets?tickers=} per 40): Kalshi's REST is
     * rate-limited, and discovery spaces its requests.
     */
    private void lookUp() {
        if (lookingUp || toLookUp.isEmpty()) {
            return;
        }
        List<String> asked = List.copyOf(toLookUp);
        toLookUp.clear();
        lookingUp = true;
        context.pipeToSelf(
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return lookup.lookup(asked);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new CompletionException(e);
                            }
                        },
                        blocking),
                (found, failure) -> new Resolved(found, asked, failure));
    }

    private Behavior<Command> onResolved(Resolved resolved) {
        lookingUp = false;
        if (resolved.failure() != null) {
            context.getLog()
                    .warn(
                            "kalshi lifecycle: looking up {} new markets failed ({}); trying again in {} s",
                            resolved.asked().size(),
                            resolved.failure().toString(),
                            RETRY_AFTER.toSeconds());
            resolved.asked().stream().filter(t -> !removes.contains(t)).forEach(toLookUp::add);
            timers.startSingleTimer(Retry.INSTANCE, RETRY_AFTER);
            return this;
        }
        for (KalshiUniverse.Market market : resolved.markets()) {
            if (removes.contains(market.ticker())
                    || !KalshiDiscovery.trades(market.status())
                    || !lookup.selects(market)) {
                continue;
            }
            if (!market.category().isBlank()) {
                categories.put(market.ticker(), market.category());
                if (!market.eventTicker().isEmpty()) {
                    categories.putIfAbsent(market.eventTicker(), market.category());
                }
            }
            adds.add(market.ticker());
        }
        flushSoon();
        lookUp();
        return this;
    }

    private Behavior<Command> onRetry() {
        lookUp();
        return this;
    }

    /**
     * One batch at a time: the events gathered so far, in the order they came; those of a market held for its lookup
     * join it instead, so that its events stay in order.
     */
    private Behavior<Command> onStoreEvents() {
        if (recording || secmaster.isEmpty()) {
            return this;
        }
        List<KalshiLifecycleSecmaster.Event> batch = new ArrayList<>();
        for (KalshiLifecycleSecmaster.Event e : toRecord) {
            List<KalshiLifecycleSecmaster.Event> waiting = held.get(e.ticker());
            if (waiting != null) {
                waiting.add(e);
            } else {
                batch.add(e);
            }
        }
        toRecord.clear();
        if (!batch.isEmpty()) {
            store(batch, false);
        }
        return this;
    }

    /** The held markets' events, one lookup per market; after the batch in flight when there is one. */
    private Behavior<Command> onRetryLookups() {
        if (recording) {
            retryDue = true;
            return this;
        }
        if (!held.isEmpty()) {
            store(held.values().stream().flatMap(List::stream).toList(), true);
        }
        return this;
    }

    private void store(List<KalshiLifecycleSecmaster.Event> batch, boolean retry) {
        recording = true;
        KalshiLifecycleSecmaster store = secmaster.orElseThrow();
        context.pipeToSelf(
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return store.apply(batch, Instant.now(), retry);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new CompletionException(e);
                            }
                        },
                        blocking),
                (applied, failure) -> new Stored(batch, applied, retry, failure));
    }

    private Behavior<Command> onStored(Stored stored) {
        recording = false;
        if (stored.failure() != null) {
            if (!stored.retry()) {
                // Kept, ahead of what came since, so that the security master sees the events in order.
                toRecord.addAll(0, stored.events());
            }
            // A retry's events are still held: the next retry takes them again.
            Duration wait = RECORD_BACKOFF.delay(recordFailures++);
            context.getLog()
                    .warn(
                            "kalshi lifecycle: storing {} events in the security master failed ({}); trying again in"
                                    + " {} ms",
                            stored.events().size(),
                            stored.failure().toString(),
                            wait.toMillis());
            timers.startSingleTimer(stored.retry() ? RetryLookups.INSTANCE : StoreEvents.INSTANCE, wait);
            return this;
        }
        recordFailures = 0;
        KalshiLifecycleSecmaster.Applied applied = stored.applied();
        context.getLog()
                .debug(
                        "kalshi lifecycle: {} events stored, {} markets changed",
                        stored.events().size(),
                        applied.counts().created() + applied.counts().updated());
        if (stored.retry()) {
            placedOrHeldAgain(stored.events(), applied);
        } else {
            hold(stored.events(), applied.leftOut());
        }
        countLookupFailures(applied.failed());
        if (!held.isEmpty() && (retryDue || !timers.isTimerActive(RetryLookups.INSTANCE))) {
            Duration wait = retryDue ? Duration.ZERO : LOOKUP_BACKOFF.delay(lookupFailures);
            timers.startSingleTimer(RetryLookups.INSTANCE, wait);
        }
        retryDue = false;
        if (!toRecord.isEmpty() && !timers.isTimerActive(StoreEvents.INSTANCE)) {
            timers.startSingleTimer(StoreEvents.INSTANCE, FLUSH_AFTER);
        }
        return this;
    }

    /** The events of the markets left out, held in order; the oldest held market past {@link #MAX_HELD} let go. */
    private void hold(List<KalshiLifecycleSecmaster.Event> events, Set<String> leftOut) {
        for (KalshiLifecycleSecmaster.Event e : events) {
            if (leftOut.contains(e.ticker())) {
                held.computeIfAbsent(e.ticker(), t -> new ArrayList<>()).add(e);
            }
        }
        while (held.size() > MAX_HELD) {
            String oldest = held.keySet().iterator().next();
            held.remove(oldest);
            countedLookupFailures.remove(oldest);
            context.getLog()
                    .error(
                            "kalshi lifecycle: more than {} markets wait for a REST lookup; {} is no longer retried"
                                    + " here: the next security-master sync places it",
                            MAX_HELD,
                            oldest);
        }
    }

    /**
     * After a retry: the markets it stored leave the held ones (with the events the retry carried; those that came
     * since stay, to be stored next); a failed one goes behind the others, so that the next retry tries them first.
     */
    private void placedOrHeldAgain(List<KalshiLifecycleSecmaster.Event> events, KalshiLifecycleSecmaster.Applied a) {
        Map<String, Integer> carried = new LinkedHashMap<>();
        events.forEach(e -> carried.merge(e.ticker(), 1, Integer::sum));
        for (Map.Entry<String, Integer> c : carried.entrySet()) {
            String ticker = c.getKey();
            if (a.deferred().contains(ticker)) {
                continue;
            }
            List<KalshiLifecycleSecmaster.Event> waiting = held.remove(ticker);
            if (waiting == null) {
                continue;
            }
            if (a.failed().containsKey(ticker)) {
                held.put(ticker, waiting);
                continue;
            }
            if (countedLookupFailures.remove(ticker)) {
                context.getLog()
                        .info("kalshi lifecycle: market {} looked up and stored after its lookup failed", ticker);
            }
            List<KalshiLifecycleSecmaster.Event> since = waiting.subList(c.getValue(), waiting.size());
            if (!since.isEmpty()) {
                toRecord.addAll(0, since);
            }
        }
        lookupFailures = a.failed().isEmpty() ? 0 : lookupFailures + 1;
    }

    /** Each market whose lookup failed, once while it is held: counted and logged with the error. */
    private void countLookupFailures(Map<String, String> failed) {
        KalshiLifecycleSecmaster store = secmaster.orElseThrow();
        for (Map.Entry<String, String> f : failed.entrySet()) {
            if (countedLookupFailures.add(f.getKey())) {
                store.countLookupFailed();
                context.getLog()
                        .error(
                                "kalshi lifecycle: market {} dropped: its REST lookup failed every try ({}); counted in"
                                        + " ssmd_secmaster_markets_dropped_total as {}, retried from {} ms doubling to"
                                        + " {} s",
                                f.getKey(),
                                f.getValue(),
                                KalshiLifecycleSecmaster.LOOKUP_FAILED,
                                LOOKUP_BACKOFF.min().toMillis(),
                                LOOKUP_BACKOFF.max().toSeconds());
            }
        }
    }

    private void flushSoon() {
        if (!timers.isTimerActive(Flush.INSTANCE)) {
            timers.startSingleTimer(Flush.INSTANCE, FLUSH_AFTER);
        }
    }

    private Behavior<Command> onFlush() {
        if (adds.isEmpty() && removes.isEmpty()) {
            return this;
        }
        context.getLog().info("kalshi lifecycle: {} markets opened, {} closed", adds.size(), removes.size());
        manager.tell(new FeedManager.ChangeInstruments(List.copyOf(adds), List.copyOf(removes)));
        adds.clear();
        removes.clear();
        return this;
    }

    private Behavior<Command> onPostStop() {
        nats.closeDispatcher(subscription);
        return this;
    }
}
