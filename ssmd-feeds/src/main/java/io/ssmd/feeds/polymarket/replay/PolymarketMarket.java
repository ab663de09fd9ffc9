package io.ssmd.feeds.polymarket.replay;

import java.util.List;

/**
 * One binary market of the replay server's universe: a condition id with its two outcome tokens, the ids that the
 * WebSocket's {@code assets_ids} and Gamma's {@code clobTokenIds} carry.
 *
 * @param id           Gamma's market id (a decimal string)
 * @param question     the market's question
 * @param conditionId  {@code 0x} and 64 hex digits: the {@code market} field of every WebSocket event
 * @param slug         Gamma's slug
 * @param yesToken     the first outcome's token id (a decimal string of up to 78 digits)
 * @param noToken      the second outcome's token id; its book mirrors the first (bid p ⇔ ask 1 − p)
 * @param outcomes     the two outcome names, in token order ({@code Yes, No} or {@code Up, Down})
 * @param startMils    where the synthetic first outcome's price starts, in thousandths
 * @param tickMils     the starting tick size in thousandths: 10 (0.01) or 1 (0.001)
 */
public record PolymarketMarket(
        String id,
        String question,
        String conditionId,
        String slug,
        String yesToken,
        String noToken,
        List<String> outcomes,
        int startMils,
        int tickMils) {

    public PolymarketMarket {
        outcomes = List.copyOf(outcomes);
        if (outcomes.size() != 2) {
            throw new IllegalArgumentException("a binary market has two outcomes, got " + outcomes);
        }
        if (startMils <= 0 || startMils >= 1000) {
            throw new IllegalArgumentException("a start price is inside (0, 1), got " + startMils + " mils");
        }
        if (tickMils != 1 && tickMils != 10) {
            throw new IllegalArgumentException("tick is 0.01 or 0.001, got " + tickMils + " mils");
        }
    }

    /** Both token ids, in outcome order. */
    public List<String> tokens() {
        return List.of(yesToken, noToken);
    }
}
