package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.CycleLog;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.PostgresDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daily cycle survives its node (DESIGN §13, §17): three JVMs of the jar, the Kraken replay server streaming three
 * shards, a rolling cycle started through node 2's admin routes with every step slowed ({@code ssmd.cycle.step-pause});
 * once it is at its renew step, the JVM holding the scheduler is killed with {@code kill -9}. The scheduler starts on
 * a survivor from its journal, marks the renew row that was left running {@code interrupted}, runs renew again there
 * and finishes the cycle: {@code deployment_log} shows the resumed step.
 */
class DailyCycleFailoverTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    @RegisterExtension
    static final PostgresDatabase PG = new PostgresDatabase();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(240);

    @TempDir
    Path dir;

    private ConnectorCluster cluster;
    private boolean passed;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            if (!passed) {
                cluster.printTails();
            }
            cluster.close();
        }
    }

    @Test
    void aCycleWhoseSchedulerNodeIsKilledMidStepCompletesOnAnotherNodeRunningThatStepAgain() throws Exception {
        cluster = ConnectorCluster.prepare(dir, NATS.url(), PG, 3, 3, 3, n -> "connector,archiver,gateway", """

                        ssmd.cycle.step-pause = 8s
                        ssmd.cycle.renew-timeout = 60s
                        """);
        for (int n = 1; n <= 3; n++) {
            cluster.start(n);
        }
        cluster.awaitAllStreaming(2, 3, shards -> true);

        JsonNode started = post(2, "/v1/admin/ops/cycle?mode=rolling&by=failover-test");
        String cycle = started.path("cycle").asText();
        assertThat(cycle).startsWith("rolling-");
        // Once the cycle is at renew (sync done), kill the JVM that holds the scheduler.
        await().atMost(WAIT)
                .ignoreExceptions()
                .until(() -> status(2).path("step").asText().equals("renew"));
        String holder = status(2).path("node").asText();
        int victim = Integer.parseInt(holder.substring("node-".length()));
        System.out.println("the scheduler runs on " + holder + " at step renew: killing it");
        cluster.current(victim).process.destroyForcibly();
        int survivor = victim == 3 ? 2 : 3;

        await().atMost(WAIT).ignoreExceptions().until(() -> {
            JsonNode s = status(survivor);
            return s.path("state").asText().equals("idle")
                    && s.path("lastCycle").path("id").asText().equals(cycle)
                    && !s.path("lastCycle").path("status").asText().equals("running");
        });
        JsonNode after = status(survivor);
        System.out.println("ops status after the failover: " + after.toPrettyString());
        assertThat(after.path("node").asText()).isNotEqualTo(holder);

        try (Database db = Database.open(PG.settings())) {
            String env = envOf(after);
            CycleLog.Cycle c = CycleLog.of(Metadata.of(db)).cycles(env, 1).get(0);
            assertThat(c.cycle().cycleId()).isEqualTo(cycle);
            List<String> steps =
                    c.steps().stream().map(r -> r.action() + " " + r.status()).toList();
            assertThat(steps).startsWith("sync succeeded", "renew interrupted");
            assertThat(steps.subList(2, steps.size()))
                    .extracting(s -> s.split(" ")[0])
                    .containsExactly("renew", "verify", "health");
            CycleLog.Row interrupted = c.steps().get(1);
            assertThat(interrupted.details()).hasValue("on " + holder);
            assertThat(interrupted.error().orElse("")).contains("its node was lost");
            CycleLog.Row resumed = c.steps().get(2);
            assertThat(resumed.details().orElse(""))
                    .startsWith("resumed on node-")
                    .doesNotContain(holder);
            assertThat(resumed.status())
                    .as("the renew run again: %s", resumed.error().orElse(""))
                    .isEqualTo(CycleLog.SUCCEEDED);
        }
        passed = true;
    }

    private static String envOf(JsonNode status) {
        return status.path("environment").asText();
    }

    private JsonNode status(int n) throws Exception {
        NodeJvm.Response r = NodeJvm.get(cluster.httpPort(n), "/v1/admin/ops/status");
        if (r.status() != 200) {
            throw new IllegalStateException("node " + n + " answered " + r.status() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private JsonNode post(int n, String path) throws Exception {
        NodeJvm.Response r = NodeJvm.post(cluster.httpPort(n), path, "");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body());
    }
}
