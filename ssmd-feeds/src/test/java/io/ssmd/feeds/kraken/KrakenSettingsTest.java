package io.ssmd.feeds.kraken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssmd.core.subject.Venue;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Kraken settings from the shipped configuration, and the Kraken facts the generic config loader cannot check. */
class KrakenSettingsTest {

    private static final URI WS = URI.create("wss://ws.kraken.com/v2");
    private static final List<String> ALL = List.of("book", "trade", "ticker");

    @Test
    void theShippedDefaultEnvironmentGivesTheV2EndpointAllChannelsDepthTenAndItsInstruments() {
        KrakenSettings settings = KrakenSettings.create(KrakenFeedFixture.shipped());
        assertThat(settings.feed()).isEqualTo("kraken");
        assertThat(settings.websocket()).isEqualTo(WS);
        assertThat(settings.channels()).containsExactly("book", "trade", "ticker");
        assertThat(settings.bookDepth()).isEqualTo(10);
        assertThat(settings.instruments()).containsExactly("BTC/USD", "ETH/USD");
        assertThat(settings.followsBooks()).isTrue();
    }

    @Test
    void anUnsupportedChannelNamesTheFileTheKeyAndWhatIsSupported() {
        assertThatThrownBy(() -> KrakenSettings.create(
                        KrakenFeedFixture.feed(WS, List.of("book", "ohlc"), Optional.of(10), List.of("BTC/USD"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kraken.yaml")
                .hasMessageContaining("channels: unsupported channel 'ohlc'")
                .hasMessageContaining("book, trade, ticker");
    }

    @Test
    void aDepthKrakenRefusesIsAnErrorEvenWhenTheFileAllowsIt() {
        assertThatThrownBy(() ->
                        KrakenSettings.create(KrakenFeedFixture.feed(WS, ALL, Optional.of(27), List.of("BTC/USD"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kraken.yaml: book.depth")
                .hasMessageContaining("27");
    }

    @Test
    void withoutABookSectionTheDepthIsKrakensDefault() {
        KrakenSettings settings = KrakenSettings.create(
                KrakenFeedFixture.feed(WS, List.of("trade"), Optional.empty(), List.of("BTC/USD")));
        assertThat(settings.bookDepth()).isEqualTo(KrakenSettings.DEFAULT_DEPTH);
        assertThat(settings.followsBooks()).isFalse();
    }

    @Test
    void anInstrumentThatIsNotAV2SymbolIsRefusedWithTheFix() {
        assertThatThrownBy(() -> KrakenSettings.create(
                        KrakenFeedFixture.feed(WS, ALL, Optional.of(10), List.of("BTC/USD", "XBTUSD"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("feeds.kraken.instruments")
                .hasMessageContaining("'XBTUSD'")
                .hasMessageContaining("BTC/USD");
    }

    @Test
    void anotherVenueOrAnHttpEndpointIsRefused() {
        assertThatThrownBy(() -> KrakenSettings.create(
                        KrakenFeedFixture.feed(Venue.KRAKEN_FUTURES, WS, ALL, Optional.of(10), List.of("BTC/USD"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("venue: expected kraken");
        assertThatThrownBy(() -> KrakenSettings.create(KrakenFeedFixture.feed(
                        URI.create("https://ws.kraken.com/v2"), ALL, Optional.of(10), List.of("BTC/USD"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("endpoints.websocket");
    }
}
