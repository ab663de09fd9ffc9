package io.ssmd.feeds.kalshi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.ssmd.core.Backoff;
import io.ssmd.core.CborSerializable;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.core.shard.FeedManager;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * events for the relay), one batch at a time on the blocking dispatcher, a failed batch retried with a backoff. The
 * manager is still told directly until FeedManagers consume the security master's events.
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

    /** A batch of events stored, or not: {@code failure} is null when it was. */
    private record Stored(List<KalshiLifecycleSecmaster.Event> events, int changed, Throwable failure)
            implements Command {}

    /** Events this close together become one change of the manager (one update per shard). */
    static final Duration FLUSH_AFTER = Duration.ofMillis(200);

    private static final Duration RETRY_AFTER = Duration.ofSeconds(10);
    private static final Backoff RECORD_BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 0.2);
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

    /** One batch at a time: the events gathered so far, in the order they came. */
    private Behavior<Command> onStoreEvents() {
        if (recording || toRecord.isEmpty() || secmaster.isEmpty()) {
            return this;
        }
        List<KalshiLifecycleSecmaster.Event> batch = List.copyOf(toRecord);
        toRecord.clear();
        recording = true;
        KalshiLifecycleSecmaster store = secmaster.get();
        context.pipeToSelf(
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                SecurityMaster.SyncCounts counts = store.apply(batch, Instant.now());
                                return counts.created() + counts.updated();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new CompletionException(e);
                            }
                        },
                        blocking),
                (changed, failure) -> new Stored(batch, changed == null ? 0 : changed, failure));
        return this;
    }

    private Behavior<Command> onStored(Stored stored) {
        recording = false;
        if (stored.failure() != null) {
            // Kept, ahead of what came since, so that the security master sees the events in order.
            toRecord.addAll(0, stored.events());
            Duration wait = RECORD_BACKOFF.delay(recordFailures++);
            context.getLog()
                    .warn(
                            "kalshi lifecycle: storing {} events in the security master failed ({}); trying again in"
                                    + " {} ms",
                            stored.events().size(),
                            stored.failure().toString(),
                            wait.toMillis());
            timers.startSingleTimer(StoreEvents.INSTANCE, wait);
            return this;
        }
        recordFailures = 0;
        context.getLog()
                .debug(
                        "kalshi lifecycle: {} events stored, {} markets changed",
                        stored.events().size(),
                        stored.changed());
        if (!toRecord.isEmpty() && !timers.isTimerActive(StoreEvents.INSTANCE)) {
            timers.startSingleTimer(StoreEvents.INSTANCE, FLUSH_AFTER);
        }
        return this;
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
