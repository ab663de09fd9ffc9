package io.ssmd.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.settings.NodeConfig;
import io.ssmd.http.gateway.ApiKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ssmd ops status|start|stop}: the daily cycle (DESIGN §17) through a node's loopback admin routes
 * ({@code /v1/admin/ops/...}), so they reach the cluster wherever its scheduler runs. The node on this host is found by
 * its HTTP port ({@code ssmd.http.port} of {@code application.conf}, or {@code --port}); its API key, when the gateway
 * has keys, comes from {@code SSMD_API_KEY} or {@code --api-key-file} and is never printed.
 */
@Command(
        name = "ops",
        mixinStandardHelpOptions = true,
        description = "The daily cycle: its state and last cycle, and running the startup or teardown now.",
        subcommands = {OpsCommand.Status.class, OpsCommand.Start.class, OpsCommand.Stop.class})
final class OpsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** Where the node is and how to reach it. */
    static final class NodeOptions {

        @Option(
                names = "--config",
                paramLabel = "FILE",
                description = "application.conf to read the node's HTTP port from (default: ./application.conf, else"
                        + " the one beside the launcher)")
        Path configFile;

        @Option(
                names = "--port",
                paramLabel = "PORT",
                description = "The node's HTTP port on this host (default: ssmd.http.port, 8080)")
        Integer port;

        @Option(
                names = "--api-key-file",
                paramLabel = "FILE",
                description = "A file holding the API key (default: the SSMD_API_KEY variable); needed when the"
                        + " gateway has api-keys-file")
        Path apiKeyFile;

        @Option(names = "--json", description = "Print JSON for scripts instead of tables")
        boolean json;

        int port(Map<String, String> env) {
            if (port != null) {
                return port;
            }
            return NodeConfig.load(Optional.ofNullable(configFile), env).getInt("ssmd.http.port");
        }

        Optional<String> key(Map<String, String> env) throws IOException {
            if (apiKeyFile != null) {
                return Optional.of(Files.readString(apiKeyFile).strip());
            }
            return Optional.ofNullable(env.get("SSMD_API_KEY")).filter(k -> !k.isBlank());
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** An answer of the admin routes. */
    record Answer(int status, JsonNode body) {
        String error() {
            return body.path("error").asText(body.toString());
        }
    }

    /** Thrown when no node answers on the port: the message says where it looked. */
    static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message);
        }
    }

    static Answer call(NodeOptions node, String method, String path) throws Unreachable, IOException {
        Map<String, String> env = System.getenv();
        int port = node.port(env);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        node.key(env).ifPresent(key -> request.header(ApiKeys.HEADER, key));
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
            return new Answer(response.statusCode(), body);
        } catch (java.net.ConnectException e) {
            throw new Unreachable("no node answers on 127.0.0.1:" + port + ": start one (ssmd run), or name its HTTP"
                    + " port with --port");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** 401 and 403 told as what to do. */
    static String refusal(String command, Answer answer) {
        String hint = answer.status() == 401
                ? " (set SSMD_API_KEY or --api-key-file to one of the gateway's keys)"
                : answer.status() == 403 ? " (run ssmd ops on the node's host)" : "";
        return "ssmd ops " + command + ": the node refused (" + answer.status() + "): " + answer.error() + hint;
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description =
                    "The scheduler's state (idle, running or stopped, on which node), the next scheduled cycle and the"
                            + " last cycle step by step.")
    static final class Status implements Callable<Integer> {

        @Mixin
        NodeOptions node;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                Answer answer = OpsCommand.call(node, "GET", "/v1/admin/ops/status");
                if (answer.status() != 200) {
                    err.println(refusal("status", answer));
                    return 1;
                }
                if (node.json) {
                    out.println(answer.body().toString());
                    out.flush();
                    return 0;
                }
                print(answer.body(), out);
                return 0;
            } catch (Unreachable | IOException e) {
                err.println("ssmd ops status: " + e.getMessage());
                return 1;
            }
        }

        static void print(JsonNode s, PrintWriter out) {
            TextTable head = TextTable.of("environment", "state", "step", "scheduler on", "schedule", "next");
            head.row(
                    s.path("environment").asText(),
                    s.path("state").asText(),
                    text(s.path("step")),
                    s.path("node").asText(),
                    s.path("schedule").asText(),
                    text(s.path("next")));
            head.print(out);
            if (s.hasNonNull("stoppedAt")) {
                out.println();
                out.println("stopped since " + s.path("stoppedAt").asText() + ", by "
                        + s.path("stoppedBy").asText() + ": the connectors do not stream until ssmd ops start");
            }
            JsonNode last = s.path("lastCycle");
            out.println();
            if (last.isMissingNode() || last.isNull()) {
                out.println("no cycle has run yet");
                out.flush();
                return;
            }
            out.println("last cycle " + last.path("id").asText() + ": "
                    + last.path("status").asText() + " (" + last.path("trigger").asText() + " by "
                    + last.path("by").asText() + ")");
            TextTable steps = TextTable.of("step", "status", "started_at", "completed_at", "details");
            for (JsonNode step : last.path("steps")) {
                steps.row(
                        step.path("action").asText(),
                        step.path("status").asText(),
                        text(step.path("startedAt")),
                        text(step.path("completedAt")),
                        step.hasNonNull("error") ? step.path("error").asText() : text(step.path("details")));
            }
            steps.print(out);
        }

        private static String text(JsonNode node) {
            return node.isMissingNode() || node.isNull() ? null : node.asText();
        }
    }

    /** Start or stop: check the node and the scheduler first, ask, then run it. */
    abstract static class RunCycle implements Callable<Integer> {

        @Mixin
        NodeOptions node;

        @Option(names = "--yes", description = "Do not ask; required when there is no terminal")
        boolean yes;

        @Spec
        CommandSpec spec;

        abstract String action();

        abstract String what();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String command = action();
            try {
                Answer status = OpsCommand.call(node, "GET", "/v1/admin/ops/status");
                if (status.status() != 200) {
                    err.println(refusal(command, status));
                    return 1;
                }
                if (status.body().path("state").asText().equals("running")) {
                    err.println("ssmd ops " + command + ": a cycle is under way (step "
                            + status.body().path("step").asText() + "): wait for it, see ssmd ops status");
                    return 1;
                }
                err.println("This runs the " + what() + " of environment "
                        + status.body().path("environment").asText() + " now, recorded as manual by "
                        + Operator.who() + ".");
                if (!Operator.confirm(yes, err)) {
                    return 1;
                }
                Answer started = OpsCommand.call(
                        node,
                        "POST",
                        "/v1/admin/ops/" + command + "?by="
                                + URLEncoder.encode(Operator.who(), StandardCharsets.UTF_8));
                if (started.status() != 202) {
                    err.println(refusal(command, started));
                    return 1;
                }
                if (node.json) {
                    out.println(started.body().toString());
                } else {
                    out.println("cycle " + started.body().path("cycle").asText()
                            + " started: follow it with ssmd ops status");
                }
                out.flush();
                return 0;
            } catch (Unreachable | IOException e) {
                err.println("ssmd ops " + command + ": " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(
            name = "start",
            mixinStandardHelpOptions = true,
            description = "Run the startup now (sync the security master, start the connectors and wait until they"
                    + " stream, open the gateways, health check), each step in deployment_log. Asks first unless"
                    + " --yes.")
    static final class Start extends RunCycle {
        @Override
        String action() {
            return "start";
        }

        @Override
        String what() {
            return "startup (sync, start the connectors, open the gateways, health check)";
        }
    }

    @Command(
            name = "stop",
            mixinStandardHelpOptions = true,
            description =
                    "Run the teardown now (drain the gateways, stop the connectors, flush the archiver, verify the archive), each step"
                            + " in deployment_log; the cluster stays stopped until ssmd ops start. Asks first unless --yes.")
    static final class Stop extends RunCycle {
        @Override
        String action() {
            return "stop";
        }

        @Override
        String what() {
            return "teardown (drain the gateways, stop the connectors, flush the archiver, verify the archive; stopped until ssmd ops"
                    + " start)";
        }
    }
}
