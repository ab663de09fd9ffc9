package io.ssmd.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class DashboardRouteTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();

    /** Any absolute or scheme-relative URL: the page must load nothing from outside the node. */
    private static final Pattern EXTERNAL = Pattern.compile("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}");

    @AfterAll
    static void stop() {
        TESTKIT.shutdownTestKit();
    }

    @Test
    void servesThePageAndItsFilesFromTheJar() throws Exception {
        try (RouteServer server = RouteServer.bind(TESTKIT, new DashboardRoute().route())) {
            HttpResponse<String> page = server.get("/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
            assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
            assertThat(page.body())
                    .contains("<script src=\"dashboard/dashboard.js\">")
                    .contains("<script src=\"dashboard/prices.js\">")
                    .contains("href=\"dashboard/dashboard.css\"");

            HttpResponse<String> script = server.get("/dashboard/dashboard.js");
            assertThat(script.statusCode()).isEqualTo(200);
            assertThat(script.headers().firstValue("Content-Type").orElseThrow())
                    .contains("javascript");
            assertThat(script.body()).contains("v1/feeds").contains("v1/gaps");
            assertThat(server.get("/dashboard/prices.js").body()).contains("v1/stream");

            HttpResponse<String> style = server.get("/dashboard/dashboard.css");
            assertThat(style.statusCode()).isEqualTo(200);
            assertThat(style.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");
        }
    }

    @Test
    void thePageLoadsNothingFromOutsideTheNode() throws Exception {
        try (RouteServer server = RouteServer.bind(TESTKIT, new DashboardRoute().route())) {
            for (String path :
                    List.of("/", "/dashboard/dashboard.js", "/dashboard/prices.js", "/dashboard/dashboard.css")) {
                assertThat(EXTERNAL.matcher(server.get(path).body()).find())
                        .as(path)
                        .isFalse();
            }
        }
    }

    @Test
    void anUnknownFileOrPathIsNotFoundAsJson() throws Exception {
        try (RouteServer server = RouteServer.bind(TESTKIT, new DashboardRoute().route())) {
            for (String path : List.of("/dashboard/nothing.js", "/dashboard/../FeedsRoute.class", "/index.html")) {
                HttpResponse<String> response = server.get(path);
                assertThat(response.statusCode()).as(path).isEqualTo(404);
                assertThat(response.body()).as(path).contains("\"error\"");
            }
        }
    }
}
