package io.ssmd.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmd.core.meta.CycleLog;
import io.ssmd.http.AdminRoutes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The admin routes' end of the daily cycle: asks the scheduler (a cluster singleton, wherever it runs) and reads the
 * last cycle's rows from {@code deployment_log}.
 */
final class CycleOps implements AdminRoutes.Ops {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ASK = Duration.ofSeconds(10);

    private final ActorSystem<?> system;
    private final ActorRef<DailyCycle.Command> scheduler;
    private final CycleLog log;
    private final String environment;
    private final Executor blocking;

    CycleOps(
            ActorSystem<?> system,
            ActorRef<DailyCycle.Command> scheduler,
            CycleLog log,
            String environment,
            Executor blocking) {
        this.system = system;
        this.scheduler = scheduler;
        this.log = log;
        this.environment = environment;
        this.blocking = blocking;
    }

    @Override
    public CompletionStage<ObjectNode> status() {
        CompletionStage<DailyCycle.Status> status =
                AskPattern.ask(scheduler, DailyCycle.GetStatus::new, ASK, system.scheduler());
        CompletableFuture<List<CycleLog.Cycle>> last =
                CompletableFuture.supplyAsync(() -> log.cycles(environment, 1), blocking);
        return status.thenCombine(last, (s, cycles) -> {
            ObjectNode body = JSON.createObjectNode();
            body.put("environment", environment);
            body.put("state", s.state());
            body.put("node", s.node());
            body.put("schedule", s.schedule());
            if (s.nextAt() != null) {
                body.put("next", s.nextAt().toString());
            } else {
                body.putNull("next");
            }
            if (s.stoppedAt() != null) {
                body.put("stoppedAt", s.stoppedAt().toString());
                body.put("stoppedBy", s.stoppedBy());
            }
            if (s.step() != null) {
                body.put("step", s.step());
            }
            if (cycles.isEmpty()) {
                body.putNull("lastCycle");
            } else {
                CycleLog.Cycle c = cycles.get(0);
                ObjectNode cycle = row(c.cycle());
                cycle.put("id", c.cycle().cycleId());
                ArrayNode steps = cycle.putArray("steps");
                c.steps().forEach(step -> steps.add(row(step)));
                body.set("lastCycle", cycle);
            }
            return body;
        });
    }

    /** One deployment_log row as JSON: what {@code ssmd ops status} and {@code ssmd env history} show. */
    static ObjectNode row(CycleLog.Row r) {
        ObjectNode node = JSON.createObjectNode();
        node.put("action", r.action());
        node.put("status", r.status());
        node.put("startedAt", r.startedAt().toString());
        node.put("completedAt", r.completedAt().map(Object::toString).orElse(null));
        node.put("error", r.error().orElse(null));
        node.put("trigger", r.trigger());
        node.put("by", r.triggeredBy());
        node.put("details", r.details().orElse(null));
        return node;
    }

    @Override
    public CompletionStage<AdminRoutes.Started> run(String mode, String by) {
        CompletionStage<DailyCycle.RunReply> reply = AskPattern.ask(
                scheduler, replyTo -> new DailyCycle.Run(mode, "manual", by, replyTo), ASK, system.scheduler());
        return reply.thenApply(r ->
                new AdminRoutes.Started(r.accepted(), r.cycleId(), r.reason(), !r.accepted() && r.cycleId() != null));
    }
}
