package io.ssmd.core.shard;

/**
 * Turns one venue frame into what the shard publishes and does. One per connection, called only from its
 * connection's decoding stage (frames and instrument changes alike), never from two threads at once, so it may keep
 * state (books, sequence numbers, subscriptions) without locks.
 *
 * <p>It never throws for bad input: a frame it cannot make sense of is {@link Decoded#unparsed}, and the shard
 * publishes it raw on the unparsed subject, so the archive still has it.
 */
public interface FrameDecoder {

    /**
     * Decodes a text frame.
     *
     * @param frame the frame's UTF-8 bytes exactly as received; published payloads are slices of it, never
     *              re-serialized JSON (DESIGN §5)
     */
    Decoded decode(byte[] frame);

    /**
     * Instruments added to and removed from this open connection. Every decoder hears of the change (to keep and
     * check the new instruments' books). It comes through the connection's stream, between two frames, from the
     * stage that calls {@link #decode}: never concurrently with it, so no locks are needed here either.
     *
     * <p>A decoder that {@link #changesLive() makes the frames of a change} answers with them (Kalshi's
     * {@code update_subscription} needs the sids this decoder learned), or empty when it cannot yet: the shard then
     * reconnects with its new list. Any other decoder answers empty, and {@link VenueConnector#addLive} and
     * {@link VenueConnector#removeLive} make the change.
     */
    default java.util.Optional<java.util.List<String>> change(
            java.util.List<String> added, java.util.List<String> removed) {
        return java.util.Optional.empty();
    }

    /**
     * The shard's context after a change of instruments (the new instruments' tokens and security-master attributes),
     * told just before {@link #change}, from the same stage: a decoder that routes by attributes (Kalshi's category)
     * routes the added instruments by them.
     */
    default void context(ShardContext after) {}

    /**
     * Whether {@link #change} answers with the frames that change this connection's subscriptions, rather than
     * leaving them to {@link VenueConnector#addLive}. Asked once, when the connection starts, so that the shard
     * decides between changing the connection and reconnecting without calling into the decoder.
     */
    default boolean changesLive() {
        return false;
    }

    /**
     * The instruments whose books this decoder keeps checked now (a venue snapshot seen on this connection and no
     * resync pending): the books the shard may publish as ssmd book snapshots (DESIGN §7). Empty for a venue whose
     * books are not checked.
     */
    default java.util.Collection<String> checkedBooks() {
        return java.util.List.of();
    }

    /**
     * One checked book as it stands after the last frame decoded, normalized (bids and asks best first, absolute
     * sizes, the wire's digits): equal to the book a gateway builds from the same messages. Empty when the book is not
     * checked now. Called from the decoding stage, like {@link #decode}.
     */
    default java.util.Optional<io.ssmd.core.model.BookSnapshot> checkedBook(String instrument) {
        return java.util.Optional.empty();
    }

    /**
     * The last token of the subject an instrument's venue book messages go on, as its ssmd book snapshot names it
     * ({@link io.ssmd.core.model.SsmdBookSnapshot#token()}): the instrument's own token unless the venue routes books
     * by something else (Polymarket: the market's condition id).
     */
    default String bookToken(String instrument) {
        return io.ssmd.core.subject.Subjects.token(instrument);
    }

    /**
     * The subject type tokens of this venue's book messages (its snapshots and deltas): what a renewal's new connection
     * holds until it takes over (DESIGN §17). The same set as the venue normalizer's
     * {@link io.ssmd.core.model.Normalizer#bookTypes()}; {@code orderbook} unless the venue publishes books under its
     * own types (Polymarket's {@code book} and {@code price_change}), which must then be named here, or a renewal would
     * never see a book snapshot and could not take over.
     */
    default java.util.Set<String> bookTypes() {
        return java.util.Set.of("orderbook");
    }
}
