package io.ssmd.feeds;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.core.meta.QualityProbe;
import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.model.Trade;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A venue's {@link QualityProbe}, built from what its package already knows: its {@link Normalizer} (instrument, trade
 * id, venue time, whether a trade or book was re-sent, and whether a message has what the model needs) and, where the
 * venue numbers its messages, where the sequence is ({@link SeqReader}). Each {@code XxxVenue} supplies one.
 */
public final class VenueQualityProbe implements QualityProbe {

    /** Where a venue keeps its message sequence; empty for a message that has none. */
    @FunctionalInterface
    public interface SeqReader {
        Optional<Seq> read(String type, JsonNode message);

        /** A venue with no message sequence (Kraken spot, Polymarket). */
        SeqReader NONE = (type, message) -> Optional.empty();
    }

    /**
     * A message's venue sequence.
     *
     * @param channel what the sequence counts on (Kalshi: the subscription id); empty for per instrument
     */
    public record Seq(Optional<String> channel, long seq) {}

    private final String feed;
    private final Normalizer normalizer;
    private final SeqReader seqs;
    private final Set<String> checked;

    /**
     * @param feed       the name put into normalized events (only read back here)
     * @param normalizer the venue's normalizer
     * @param seqs       where its sequence is
     */
    public VenueQualityProbe(String feed, Normalizer normalizer, SeqReader seqs) {
        this.feed = feed;
        this.normalizer = normalizer;
        this.seqs = seqs;
        Set<String> types = new HashSet<>(normalizer.bookTypes());
        types.add("trade");
        types.add("ticker");
        this.checked = Set.copyOf(types);
    }

    @Override
    public Inspection inspect(String type, byte[] payload) {
        List<MarketEvent> normalized = normalizer.normalize(feed, type, payload);
        List<String> missing = List.of();
        if (normalized.isEmpty() && checked.contains(type)) {
            // The normalizer is tolerant per field: it gives up on a message only when a field the model cannot do
            // without (the instrument, a price, a size, a book side) is missing or unreadable.
            missing = List.of("a field the normalized " + type + " needs (instrument, price, size or book levels)");
        }
        Optional<Seq> seq = normalized.isEmpty()
                ? Optional.empty()
                : WireFields.object(payload).flatMap(m -> seqs.read(type, m));
        List<Event> events = new ArrayList<>(normalized.size());
        for (MarketEvent e : normalized) {
            boolean snapshot = e instanceof BookSnapshot || (e instanceof Trade t && t.snapshot());
            events.add(new Event(
                    e.instrument(),
                    e.type(),
                    e instanceof Trade t ? t.tradeId() : Optional.empty(),
                    seq.flatMap(Seq::channel),
                    seq.map(s -> OptionalLong.of(s.seq())).orElseGet(OptionalLong::empty),
                    e.ts(),
                    snapshot));
        }
        return new Inspection(events, missing);
    }
}
