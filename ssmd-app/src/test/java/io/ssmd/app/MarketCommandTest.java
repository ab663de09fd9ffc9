package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.MarketRecord;
import io.ssmd.core.meta.MarketSubscriptions;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.core.settings.NodeConfig;
import io.ssmd.core.settings.NodeSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ssmd market list|show} on the embedded H2, over markets stored as a sync stores them. */
class MarketCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant DEC_1 = Instant.parse("2026-12-01T00:00:00Z");
    private static final Instant DEC_2 = Instant.parse("2026-12-02T00:00:00Z");

    @TempDir
    Path dir;

    private Path config;
    private String out;
    private String err;

    @BeforeEach
    void seed() throws Exception {
        config = dir.resolve("application.conf");
        Files.writeString(config, "ssmd {\n  data-dir = \"" + dir.resolve("data") + "\"\n}\n");
        NodeSettings settings = NodeSettings.create(NodeConfig.load(Optional.of(config), Map.of()), Map.of());
        try (Database db = Database.open(settings.db())) {
            SecurityMaster master = new SecurityMaster(Metadata.of(db));
            master.sync(
                    "kraken",
                    List.of(
                            pair("BTC/USD", "XBT/USD", "XBTUSD", "online"),
                            pair("ETH/USD", "ETH/USD", "ETHUSD", "online")),
                    true,
                    DEC_1);
            master.sync(
                    "kraken",
                    List.of(
                            pair("BTC/USD", "XBT/USD", "XBTUSD", "cancel_only"),
                            pair("ETH/USD", "ETH/USD", "ETHUSD", "online")),
                    true,
                    DEC_2);
        }
    }

    private static MarketRecord pair(String symbol, String wsname, String altname, String venueStatus) {
        return new MarketRecord(
                "kraken",
                symbol,
                "X" + altname,
                List.of(wsname, altname),
                symbol,
                "currency",
                null,
                null,
                venueStatus.equals("online") ? "active" : "halted",
                venueStatus,
                null,
                null,
                null,
                null,
                null,
                null,
                "0.1",
                "0.0001",
                1,
                8,
                "{}",
                "{}");
    }

    private int ssmd(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(o));
        cli.setErr(new PrintWriter(e));
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--help")) {
            all.add("--config");
            all.add(config.toString());
        }
        int code = cli.execute(all.toArray(String[]::new));
        out = o.toString();
        err = e.toString();
        return code;
    }

    @Test
    void listsFiltersAndShowsAsOfADate() throws Exception {
        assertThat(ssmd("market", "list")).as(err).isZero();
        assertThat(out).contains("BTC/USD").contains("ETH/USD").contains("2 markets");
        assertThat(ssmd("market", "list", "--status", "halted")).as(err).isZero();
        assertThat(out).contains("BTC/USD").doesNotContain("ETH/USD").contains("1 market");
        assertThat(ssmd("market", "list", "--status", "halted", "--as-of", "2026-12-01T12:00:00Z"))
                .as(err)
                .isZero();
        assertThat(out).startsWith("no market matches");
        assertThat(ssmd("market", "list", "--search", "xbtusd", "--json"))
                .as(err)
                .isZero();
        JsonNode listed = JSON.readTree(out);
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("instrument").asText()).isEqualTo("BTC/USD");
        assertThat(listed.get(0).path("aliases").get(0).asText()).isEqualTo("XBT/USD");
    }

    @Test
    void showsAMarketByAnAliasWithItsHistory() {
        assertThat(ssmd("market", "show", "kraken", "XBT/USD", "--history"))
                .as(err)
                .isZero();
        assertThat(out)
                .contains("instrument       BTC/USD")
                .contains("2026-12-02T00:00:00Z  status        active  halted")
                .contains("2026-12-02T00:00:00Z  venue_status  online  cancel_only");
    }

    @Test
    void showsTheSubscribeStateTheFeedManagerWrote() throws Exception {
        assertThat(ssmd("market", "show", "kraken", "ETH/USD")).as(err).isZero();
        assertThat(out).containsPattern("(?m)^subscription +-$");
        NodeSettings settings = NodeSettings.create(NodeConfig.load(Optional.of(config), Map.of()), Map.of());
        try (Database db = Database.open(settings.db())) {
            new SecurityMaster(Metadata.of(db))
                    .subscriptions()
                    .apply(
                            "kraken",
                            List.of(new MarketSubscriptions.Subscription(
                                    "kraken",
                                    "ETH/USD",
                                    MarketSubscriptions.DROPPED,
                                    "kraken-0",
                                    3,
                                    "Currency pair not supported ETH/USD",
                                    DEC_2)),
                            List.of());
        }
        assertThat(ssmd("market", "show", "kraken", "ETH/USD")).as(err).isZero();
        assertThat(out)
                .contains("subscription     dropped (kraken-0, 3 refusals, 2026-12-02T00:00:00Z)")
                .contains("subscribe_error  Currency pair not supported ETH/USD");
        assertThat(ssmd("market", "show", "kraken", "ETH/USD", "--json"))
                .as(err)
                .isZero();
        JsonNode shown = JSON.readTree(out).path("subscription");
        assertThat(shown.path("state").asText()).isEqualTo("dropped");
        assertThat(shown.path("attempts").asInt()).isEqualTo(3);
        assertThat(shown.path("last_error").asText()).isEqualTo("Currency pair not supported ETH/USD");
    }

    @Test
    void unknownNamesExitOneWithTheClosest() {
        assertThat(ssmd("market", "list", "--feed", "krakn")).isEqualTo(1);
        assertThat(err).contains("unknown feed 'krakn'. Did you mean 'kraken'?");
        assertThat(ssmd("market", "show", "kraken", "BTC/USDT")).isEqualTo(1);
        assertThat(err).contains("Did you mean 'BTC/USD'?");
        assertThat(ssmd("market", "list", "--category", "curency")).isEqualTo(1);
        assertThat(err).contains("Did you mean 'currency'?");
        assertThat(ssmd("market", "list", "--as-of", "yesterday")).isEqualTo(2);
    }

    @Test
    void helpNamesEverySubcommand() {
        assertThat(ssmd("market", "--help")).isZero();
        assertThat(out).contains("list").contains("show").contains("sync");
        assertThat(ssmd("market", "sync", "--help")).isZero();
        assertThat(out).contains("--feed").contains("--env");
    }
}
