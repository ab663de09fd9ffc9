package io.ssmd.core.shard;

import io.ssmd.core.subject.Subjects;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The instruments a shard runs, admitted from its assignment, and the difference between two such lists.
 *
 * <p>Instruments from discovery or lifecycle events were never checked at startup: one whose subject token another
 * already has would make their messages indistinguishable, so it is refused with a reason and the others run, rather
 * than the whole shard failing on every assignment.
 *
 * @param kept    the admitted instruments in the assignment's order, each once
 * @param tokens  every kept instrument → its subject token
 * @param refused every refused instrument → why, in the assignment's order
 */
record ShardInstruments(List<String> kept, Map<String, String> tokens, Map<String, String> refused) {

    ShardInstruments {
        kept = List.copyOf(kept);
        tokens = Map.copyOf(tokens);
        refused = Collections.unmodifiableMap(new LinkedHashMap<>(refused));
    }

    /** Admits {@code instruments} in order: the first to claim a token keeps it; a repeated instrument counts once. */
    static ShardInstruments admit(List<String> instruments) {
        Map<String, String> tokens = new HashMap<>();
        Map<String, String> byToken = new HashMap<>();
        Map<String, String> refused = new LinkedHashMap<>();
        List<String> kept = new ArrayList<>();
        for (String instrument : instruments) {
            String token = Subjects.token(instrument);
            String other = byToken.putIfAbsent(token, instrument);
            if (other != null && !other.equals(instrument)) {
                refused.put(instrument, "subject token '" + token + "' is already " + other + "'s: not subscribed");
                continue;
            }
            if (tokens.putIfAbsent(instrument, token) == null) {
                kept.add(instrument);
            }
        }
        return new ShardInstruments(kept, tokens, refused);
    }

    /** The context a decoder of this shard decodes for. */
    ShardContext context(String env, String feed, String shard) {
        return context(env, feed, shard, Map.of());
    }

    /** The context a decoder of this shard decodes for, with the assignment's attributes of its instruments. */
    ShardContext context(String env, String feed, String shard, Map<String, Map<String, String>> attributes) {
        return new ShardContext(env, feed, shard, kept, tokens, attributes);
    }

    /** What changes from {@code before} to {@code after}: added in {@code after}'s order, removed in {@code before}'s. */
    static Diff diff(List<String> before, List<String> after) {
        Set<String> had = new HashSet<>(before);
        Set<String> has = new HashSet<>(after);
        return new Diff(
                after.stream().filter(i -> !had.contains(i)).toList(),
                before.stream().filter(i -> !has.contains(i)).toList());
    }

    /** Instruments added to and removed from a shard. */
    record Diff(List<String> added, List<String> removed) {

        Diff {
            added = List.copyOf(added);
            removed = List.copyOf(removed);
        }

        boolean isEmpty() {
            return added.isEmpty() && removed.isEmpty();
        }
    }
}
