package io.ssmd.node;

import io.ssmd.archive.ArchiverSingleton;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.ScheduleSpec;
import io.ssmd.core.config.UploadSettings;
import io.ssmd.core.meta.DataInventory;
import io.ssmd.core.shard.FeedShard;
import io.ssmd.core.shard.ShardHealth;
import io.ssmd.feeds.SecmasterSync;
import io.ssmd.http.HealthCheck;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The steps of the daily cycle on a node (DESIGN §17), built from what the node already has: the security master's
 * sync ({@link SecmasterSync}, as {@link SecmasterScheduler} runs it), the shards' renewal ({@link FeedShard.Renew}),
 * the data inventory the archivers keep, and the node's health checks. A {@code rolling} cycle is {@code sync},
 * {@code renew}, {@code verify}, {@code health}.
 *
 * <p>{@code stop} ({@code ssmd ops stop}) is {@code drain} (every node's gateway closes its clients with the reason
 * and refuses new ones, {@link NodeControl.Drain}), {@code stop-connectors} (every shard closes its connection and announces
 * {@code disconnected} with reason {@code scheduled_teardown}, {@link FeedShard.Pause}) and {@code verify}; {@code
 * start} is {@code sync}, {@code start-connectors} (every shard connects again, {@link FeedShard.Resume}, and the step
 * waits until they stream), {@code start-gateway} ({@link NodeControl.Reopen}) and {@code health}; {@code teardown} is both, one after the other.
 */
final class CycleSteps implements DailyCycle.Plan {

    /** What the steps take from the node. */
    record Parts(
            ActorSystem<?> system,
            Environment environment,
            SecmasterSync sync,
            Supplier<CompletionStage<List<ShardHealth>>> shards,
            DataInventory inventory,
            List<HealthCheck> checks,
            Executor blocking,
            CycleSettings settings,
            Clock clock) {}

    private final Parts parts;

    CycleSteps(Parts parts) {
        this.parts = parts;
    }

    @Override
    public List<DailyCycle.Step> steps(String mode) {
        List<DailyCycle.Step> stop = List.of(
                step("drain", this::drain),
                step("stop-connectors", this::stopConnectors),
                step("flush-archiver", this::flushArchiver),
                step("verify", this::verify));
        List<DailyCycle.Step> start = List.of(
                step("sync", this::sync),
                step("start-connectors", this::startConnectors),
                step("start-gateway", this::startGateway),
                step("health", this::health));
        return switch (mode) {
            case ScheduleSpec.ROLLING ->
                List.of(
                        step("sync", this::sync),
                        step("renew", this::renew),
                        step("verify", this::verify),
                        step("health", this::health));
            case DailyCycle.STOP -> stop;
            case DailyCycle.START -> start;
            case ScheduleSpec.TEARDOWN -> {
                List<DailyCycle.Step> both = new ArrayList<>(stop);
                both.addAll(start);
                yield List.copyOf(both);
            }
            default ->
                throw new IllegalArgumentException("unknown cycle mode '" + mode + "': one of " + DailyCycle.MODES);
        };
    }

    private static DailyCycle.Step step(String name, Supplier<CompletionStage<String>> run) {
        return new DailyCycle.Step() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public CompletionStage<String> run() {
                return run.get();
            }
        };
    }

    /** Every enabled feed's security master, one feed at a time; a failed feed fails the step, the others go on. */
    private CompletionStage<String> sync() {
        return CompletableFuture.supplyAsync(
                () -> {
                    List<String> done = new ArrayList<>();
                    List<String> failed = new ArrayList<>();
                    for (EnabledFeed feed : parts.environment().feeds()) {
                        try {
                            var counts = parts.sync().sync(feed, line -> {});
                            done.add(feed.name() + " " + counts.seen() + " markets (" + counts.created() + " new, "
                                    + counts.updated() + " updated, " + counts.removed() + " removed)");
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new CompletionException(e);
                        } catch (RuntimeException e) {
                            failed.add(feed.name() + ": " + e.getMessage());
                        }
                    }
                    if (!failed.isEmpty()) {
                        throw new IllegalStateException("sync failed for " + String.join("; ", failed)
                                + (done.isEmpty() ? "" : " (synced: " + String.join(", ", done) + ")"));
                    }
                    return "synced " + String.join(", ", done);
                },
                parts.blocking());
    }

    /**
     * Every shard of every feed renews its connection in place, one shard at a time per feed (the venue's
     * {@code limits.max-connections} must leave room for the second connection), the feeds side by side.
     */
    private CompletionStage<String> renew() {
        return parts.shards().get().thenCompose(health -> {
            Map<String, List<String>> byFeed = new LinkedHashMap<>();
            parts.environment().feeds().forEach(f -> byFeed.put(f.name(), new ArrayList<>()));
            health.forEach(h ->
                    byFeed.computeIfAbsent(h.feed(), f -> new ArrayList<>()).add(h.shard()));
            List<CompletableFuture<FeedRenewal>> feeds = new ArrayList<>();
            byFeed.forEach((feed, shards) ->
                    feeds.add(renewFeed(feed, shards.stream().sorted().toList()).toCompletableFuture()));
            return CompletableFuture.allOf(feeds.toArray(CompletableFuture[]::new))
                    .thenApply(v -> {
                        List<FeedRenewal> outcomes =
                                feeds.stream().map(CompletableFuture::join).toList();
                        String report = String.join(
                                "; ", outcomes.stream().map(FeedRenewal::report).toList());
                        if (outcomes.stream().anyMatch(o -> !o.ok())) {
                            throw new IllegalStateException(report);
                        }
                        return report;
                    });
        });
    }

    private record FeedRenewal(String feed, boolean ok, String report) {}

    private CompletionStage<FeedRenewal> renewFeed(String feed, List<String> shards) {
        Optional<EnabledFeed> enabled = parts.environment().feed(feed);
        if (shards.isEmpty()) {
            return CompletableFuture.completedFuture(new FeedRenewal(feed, true, feed + ": no shard reported"));
        }
        if (enabled.isPresent()) {
            var max = enabled.get().definition().limits().maxConnections();
            if (max.isPresent() && max.getAsInt() - shards.size() < 1) {
                return CompletableFuture.completedFuture(new FeedRenewal(
                        feed,
                        false,
                        feed + ": limits.max-connections " + max.getAsInt() + " ("
                                + enabled.get().definition().file()
                                + ") leaves no room for a second connection beside its " + shards.size()
                                + " shards: raise it above the shard count, or renew nothing"));
            }
        }
        CompletionStage<List<FeedShard.Renewed>> chain = CompletableFuture.completedFuture(List.of());
        for (String shard : shards) {
            chain = chain.thenCompose(done -> renewOne(shard).thenApply(r -> {
                List<FeedShard.Renewed> all = new ArrayList<>(done);
                all.add(r);
                return all;
            }));
        }
        return chain.thenApply(all -> {
            List<String> failed = all.stream()
                    .filter(r -> !r.ok())
                    .map(r -> r.shard() + " (" + r.detail() + ")")
                    .toList();
            String renewed = all.stream()
                    .filter(FeedShard.Renewed::ok)
                    .map(r -> r.shard() + " epoch " + r.oldEpoch() + " -> " + r.newEpoch() + " in "
                            + r.took().toMillis() + " ms")
                    .reduce((a, b) -> a + ", " + b)
                    .orElse("none");
            return failed.isEmpty()
                    ? new FeedRenewal(feed, true, feed + ": renewed " + renewed)
                    : new FeedRenewal(
                            feed, false, feed + ": not renewed " + String.join(", ", failed) + "; renewed " + renewed);
        });
    }

    private CompletionStage<FeedShard.Renewed> renewOne(String shard) {
        Duration timeout = parts.settings().renewTimeout();
        return FeedShard.ref(parts.system(), shard)
                .<FeedShard.Renewed>ask(FeedShard.Renew::new, timeout)
                .exceptionally(failure -> new FeedShard.Renewed(
                        shard, false, 0, 0, timeout, "no answer within " + timeout + ": " + failure.getMessage()));
    }

    /** Why a drained gateway closed its clients and refuses new ones. */
    static final String DRAINED =
            "the cluster is stopped for its daily teardown (scheduled_teardown): the gateway takes"
                    + " clients again once it starts";

    /** Every node's gateway closes its clients, telling them why, and refuses new ones with 503 and the reason. */
    private CompletionStage<String> drain() {
        return toEveryNode(replyTo -> new NodeControl.Drain(DRAINED, replyTo));
    }

    /** Every node's gateway takes clients again. */
    private CompletionStage<String> startGateway() {
        return toEveryNode(NodeControl.Reopen::new);
    }

    /** Asks every node of the environment ({@link NodeControl}, found through the receptionist), each within the timeout. */
    private CompletionStage<String> toEveryNode(
            java.util.function.Function<org.apache.pekko.actor.typed.ActorRef<NodeControl.Done>, NodeControl.Command>
                    message) {
        Duration timeout = parts.settings().renewTimeout();
        var key = NodeControl.key(parts.environment().name());
        CompletionStage<org.apache.pekko.actor.typed.receptionist.Receptionist.Listing> listing =
                org.apache.pekko.actor.typed.javadsl.AskPattern.ask(
                        parts.system().receptionist(),
                        replyTo -> org.apache.pekko.actor.typed.receptionist.Receptionist.find(key, replyTo),
                        timeout,
                        parts.system().scheduler());
        return listing.thenCompose(found -> {
            List<CompletableFuture<String>> answers = new ArrayList<>();
            for (var node : found.getServiceInstances(key)) {
                answers.add(org.apache.pekko.actor.typed.javadsl.AskPattern.<NodeControl.Command, NodeControl.Done>ask(
                                node, message::apply, timeout, parts.system().scheduler())
                        .thenApply(done -> done.node() + ": " + done.detail())
                        .exceptionally(failure -> "!" + node.path().address() + ": no answer within " + timeout)
                        .toCompletableFuture());
            }
            if (answers.isEmpty()) {
                throw new IllegalStateException(
                        "no node of " + parts.environment().name() + " answered the receptionist");
            }
            return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                    .thenApply(v -> {
                        List<String> all = answers.stream()
                                .map(CompletableFuture::join)
                                .sorted()
                                .toList();
                        if (all.stream().anyMatch(a -> a.startsWith("!"))) {
                            throw new IllegalStateException(
                                    String.join("; ", all).replace("!", ""));
                        }
                        return String.join("; ", all);
                    });
        });
    }

    /**
     * Every shard the cluster reports closes its connection and announces {@code disconnected} with reason {@code
     * scheduled_teardown} ({@link FeedShard.Pause}), all at once; a shard that does not answer within {@code
     * ssmd.cycle.renew-timeout} fails the step (the others stay stopped).
     */
    private CompletionStage<String> stopConnectors() {
        return parts.shards()
                .get()
                .thenCompose(health -> askEach(
                                health,
                                shard -> new FeedShard.Pause(
                                        io.ssmd.core.nats.ControlEvent.REASON_SCHEDULED_TEARDOWN, shard),
                                false)
                        .thenApply(answers -> {
                            List<String> failed = answers.stream()
                                    .filter(a -> !a.paused())
                                    .map(a -> a.shard() + " (" + a.detail() + ")")
                                    .toList();
                            if (!failed.isEmpty()) {
                                throw new IllegalStateException("not stopped: " + String.join(", ", failed));
                            }
                            return "stopped " + answers.size() + " shards: "
                                    + String.join(
                                            ", ",
                                            answers.stream()
                                                    .map(FeedShard.Paused::shard)
                                                    .toList());
                        }));
    }

    /**
     * Every shard the cluster reports connects again ({@link FeedShard.Resume}; a shard that was not stopped is left as
     * it is), then the step waits, within {@code ssmd.cycle.renew-timeout}, until every one streams.
     */
    private CompletionStage<String> startConnectors() {
        return parts.shards()
                .get()
                .thenCompose(health -> askEach(health, FeedShard.Resume::new, true)
                        .thenCompose(answers -> {
                            List<String> failed = answers.stream()
                                    .filter(FeedShard.Paused::paused)
                                    .map(a -> a.shard() + " (" + a.detail() + ")")
                                    .toList();
                            if (!failed.isEmpty()) {
                                throw new IllegalStateException("not started: " + String.join(", ", failed));
                            }
                            Instant deadline = parts.clock()
                                    .instant()
                                    .plus(parts.settings().renewTimeout());
                            return untilStreaming(deadline)
                                    .thenApply(streaming -> "started " + streaming.size() + " shards, streaming: "
                                            + String.join(", ", streaming));
                        }));
    }

    private CompletionStage<List<String>> untilStreaming(Instant deadline) {
        return parts.shards().get().thenCompose(health -> {
            List<String> waiting = health.stream()
                    .filter(h -> !h.state().equals(ShardHealth.STREAMING))
                    .map(h -> h.shard() + " " + h.state())
                    .sorted()
                    .toList();
            if (waiting.isEmpty()) {
                return CompletableFuture.completedFuture(
                        health.stream().map(ShardHealth::shard).sorted().toList());
            }
            if (parts.clock().instant().isAfter(deadline)) {
                throw new IllegalStateException(
                        "not streaming within " + parts.settings().renewTimeout() + ": " + String.join(", ", waiting));
            }
            Executor later = CompletableFuture.delayedExecutor(
                    POLL.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS, parts.blocking());
            return CompletableFuture.supplyAsync(() -> deadline, later).thenCompose(this::untilStreaming);
        });
    }

    /**
     * Once the connectors have stopped: every archiver of the environment ({@link ArchiverSingleton}, found through the
     * receptionist wherever it runs) takes each of its streams' last seq and syncs its open segment's {@code .tmp} up to
     * it (the window is not committed); the step waits, within {@code ssmd.cycle.flush-timeout}, until every archived
     * stream is on disk up to the seq taken first.
     */
    private CompletionStage<String> flushArchiver() {
        Instant deadline = parts.clock().instant().plus(parts.settings().flushTimeout());
        return flushRound(Map.of(), deadline);
    }

    private CompletionStage<String> flushRound(Map<String, Long> upTo, Instant deadline) {
        return askArchivers(upTo).thenCompose(answers -> {
            Map<String, ArchiverSingleton.StreamFlush> byStream = new java.util.TreeMap<>();
            answers.forEach(a -> a.streams().forEach(s -> byStream.put(s.stream(), s)));
            List<String> waiting = new ArrayList<>();
            for (String stream : archivedStreams(parts.environment())) {
                if (!byStream.containsKey(stream)) {
                    waiting.add(stream + ": no archiver answered");
                }
            }
            byStream.values().stream()
                    .filter(s -> !s.reached())
                    .forEach(s -> waiting.add(s.stream() + " at seq " + s.written() + " of "
                            + (s.upTo() == Long.MAX_VALUE ? "an unknown last seq" : String.valueOf(s.upTo()))));
            String flushed = String.join(
                    ", ",
                    byStream.values().stream()
                            .filter(ArchiverSingleton.StreamFlush::reached)
                            .map(s -> s.stream() + " to seq " + s.upTo())
                            .toList());
            if (waiting.isEmpty()) {
                return CompletableFuture.completedFuture("flushed " + flushed);
            }
            if (parts.clock().instant().isAfter(deadline)) {
                throw new IllegalStateException(
                        "not flushed within " + parts.settings().flushTimeout() + ": " + String.join(", ", waiting)
                                + (flushed.isEmpty() ? "" : "; flushed " + flushed));
            }
            Map<String, Long> targets = new LinkedHashMap<>(upTo);
            byStream.values().forEach(s -> targets.putIfAbsent(s.stream(), s.upTo()));
            Executor later = CompletableFuture.delayedExecutor(
                    FLUSH_POLL.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS, parts.blocking());
            return CompletableFuture.supplyAsync(() -> targets, later).thenCompose(next -> flushRound(next, deadline));
        });
    }

    /** Every archiver of the environment answers {@link ArchiverSingleton.Flush}; one that does not is left out. */
    private CompletionStage<List<ArchiverSingleton.Flushed>> askArchivers(Map<String, Long> upTo) {
        Duration timeout = parts.settings().flushTimeout();
        var key = ArchiverSingleton.key(parts.environment().name());
        CompletionStage<org.apache.pekko.actor.typed.receptionist.Receptionist.Listing> listing =
                org.apache.pekko.actor.typed.javadsl.AskPattern.ask(
                        parts.system().receptionist(),
                        replyTo -> org.apache.pekko.actor.typed.receptionist.Receptionist.find(key, replyTo),
                        timeout,
                        parts.system().scheduler());
        return listing.thenCompose(found -> {
            List<CompletableFuture<Optional<ArchiverSingleton.Flushed>>> answers = new ArrayList<>();
            for (var archiver : found.getServiceInstances(key)) {
                answers.add(
                        org.apache.pekko.actor.typed.javadsl.AskPattern
                                .<ArchiverSingleton.Command, ArchiverSingleton.Flushed>ask(
                                        archiver,
                                        replyTo -> new ArchiverSingleton.Flush(Map.copyOf(upTo), replyTo),
                                        timeout,
                                        parts.system().scheduler())
                                .thenApply(Optional::of)
                                .exceptionally(failure -> Optional.empty())
                                .toCompletableFuture());
            }
            return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                    .thenApply(v -> answers.stream()
                            .map(CompletableFuture::join)
                            .flatMap(Optional::stream)
                            .toList());
        });
    }

    private static List<String> archivedStreams(Environment environment) {
        List<String> streams = new ArrayList<>();
        environment
                .archivers()
                .forEach(a -> a.sources().forEach(s -> {
                    if (!streams.contains(s.stream())) {
                        streams.add(s.stream());
                    }
                }));
        return streams;
    }

    /** How often {@code flush-archiver} asks the archivers how far they are. */
    private static final Duration FLUSH_POLL = Duration.ofMillis(200);

    /** How often {@code start-connectors} reads the shards' health while it waits for them to stream. */
    private static final Duration POLL = Duration.ofMillis(500);

    private CompletionStage<List<FeedShard.Paused>> askEach(
            List<ShardHealth> health,
            java.util.function.Function<org.apache.pekko.actor.typed.ActorRef<FeedShard.Paused>, FeedShard.Command>
                    message,
            boolean pausedWhenUnanswered) {
        Duration timeout = parts.settings().renewTimeout();
        List<CompletableFuture<FeedShard.Paused>> answers = health.stream()
                .map(ShardHealth::shard)
                .sorted()
                .map(shard -> FeedShard.ref(parts.system(), shard)
                        .<FeedShard.Paused>ask(message::apply, timeout)
                        .exceptionally(failure -> new FeedShard.Paused(
                                shard,
                                pausedWhenUnanswered,
                                "no answer within " + timeout + ": " + failure.getMessage()))
                        .toCompletableFuture())
                .toList();
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .thenApply(v -> answers.stream().map(CompletableFuture::join).toList());
    }

    /**
     * The UTC day that ended at least one rotation plus one upload backoff ago: every archived feed's inventory row of
     * that day {@code complete}, or {@code partial} with its gaps as reasons; a row still {@code processing} or
     * {@code failed} fails the step. A feed with no row that day archived nothing then (it did not run).
     */
    private CompletionStage<String> verify() {
        return CompletableFuture.supplyAsync(
                () -> {
                    LocalDate day =
                            dayToVerify(parts.environment(), parts.clock().instant());
                    List<String> ok = new ArrayList<>();
                    List<String> bad = new ArrayList<>();
                    for (String feed : archivedFeeds(parts.environment())) {
                        List<DataInventory.Row> rows = parts.inventory()
                                .list(new DataInventory.Filter(
                                        Optional.of(feed),
                                        Optional.of(day),
                                        Optional.of(day),
                                        Optional.empty(),
                                        Optional.of(parts.environment().name())));
                        rows = rows.stream()
                                .filter(r -> r.dataType().equals(DataInventory.RAW))
                                .toList();
                        if (rows.isEmpty()) {
                            ok.add(feed + " nothing archived");
                        }
                        for (DataInventory.Row row : rows) {
                            String what = feed + " " + row.stream() + " " + row.status()
                                    + (row.gapCount() > 0 ? " (" + row.gapCount() + " gaps)" : "");
                            if (row.status().equals(DataInventory.COMPLETE)
                                    || row.status().equals(DataInventory.PARTIAL)) {
                                ok.add(what);
                            } else {
                                bad.add(what);
                            }
                        }
                    }
                    if (!bad.isEmpty()) {
                        throw new IllegalStateException(day + ": not complete: " + String.join(", ", bad)
                                + (ok.isEmpty() ? "" : "; verified: " + String.join(", ", ok)));
                    }
                    return day + ": " + String.join(", ", ok);
                },
                parts.blocking());
    }

    /** The latest UTC day whose end lies at least one rotation plus one upload backoff before {@code now}. */
    static LocalDate dayToVerify(Environment environment, Instant now) {
        Duration rotation = environment.storage().rotation();
        Duration upload =
                environment.storage().upload().map(UploadSettings::maxBackoff).orElse(Duration.ZERO);
        for (var archiver : environment.archivers()) {
            rotation = max(rotation, archiver.storage().rotation());
            upload = max(
                    upload,
                    archiver.storage().upload().map(UploadSettings::maxBackoff).orElse(Duration.ZERO));
        }
        return LocalDate.ofInstant(now.minus(rotation).minus(upload), ZoneOffset.UTC)
                .minusDays(1);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static List<String> archivedFeeds(Environment environment) {
        List<String> feeds = new ArrayList<>();
        environment
                .archivers()
                .forEach(a -> a.sources().forEach(s -> {
                    if (!feeds.contains(s.feed())) {
                        feeds.add(s.feed());
                    }
                }));
        return feeds;
    }

    /** The node's health checks pass and every shard the cluster reports is streaming. */
    private CompletionStage<String> health() {
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (HealthCheck check : parts.checks()) {
            results.add(check.check()
                    .toCompletableFuture()
                    .handle((r, failure) -> failure != null
                            ? "!" + check.name() + ": " + failure.getMessage()
                            : (r.ok() ? "" : "!") + check.name() + ": " + r.detail()));
        }
        CompletableFuture<List<ShardHealth>> shards = parts.shards().get().toCompletableFuture();
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenCombine(shards, (v, health) -> {
                    List<String> failed = new ArrayList<>();
                    results.stream()
                            .map(CompletableFuture::join)
                            .filter(r -> r.startsWith("!"))
                            .forEach(r -> failed.add(r.substring(1)));
                    List<String> notStreaming = health.stream()
                            .filter(h -> !h.state().equals(ShardHealth.STREAMING))
                            .map(h -> h.shard() + " " + h.state())
                            .toList();
                    if (!notStreaming.isEmpty()) {
                        failed.add("shards not streaming: " + String.join(", ", notStreaming));
                    }
                    if (!failed.isEmpty()) {
                        throw new IllegalStateException(String.join("; ", failed));
                    }
                    return parts.checks().size() + " checks ok, " + health.size() + " shards streaming";
                });
    }
}
