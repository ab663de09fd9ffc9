package io.ssmd.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /v1/gaps?limit=N}: the archive's most recent gaps, newest first ({@code limit} 1..1000, default 50).
 * A node that runs no archiver answers 404 and says so, rather than an empty list that would read as "no gaps".
 */
public final class GapsRoute extends AllDirectives {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Optional<RecentGaps> gaps;

    /** @param gaps the archive's gap log, or empty on a node without an archiver */
    public GapsRoute(Optional<RecentGaps> gaps) {
        this.gaps = gaps;
    }

    public Route route() {
        return path(
                segment("v1").slash("gaps"),
                () -> get(() -> parameterOptional("limit", limit -> {
                    Optional<Integer> parsed = parseLimit(limit);
                    if (parsed.isEmpty()) {
                        return complete(
                                StatusCodes.BAD_REQUEST,
                                JsonEntities.error("limit must be a whole number from 1 to " + MAX_LIMIT + ", got '"
                                        + limit.orElse("") + "'"));
                    }
                    if (gaps.isEmpty()) {
                        return complete(
                                StatusCodes.NOT_FOUND,
                                JsonEntities.error("this node runs no archiver: gaps are"
                                        + " served by nodes with the archiver role"));
                    }
                    return onSuccess(
                            gaps.get().latest(parsed.get()),
                            list -> complete(StatusCodes.OK, JsonEntities.of(render(list))));
                })));
    }

    /** Empty when {@code limit} is given but not a number in range. */
    static Optional<Integer> parseLimit(Optional<String> limit) {
        if (limit.isEmpty()) {
            return Optional.of(DEFAULT_LIMIT);
        }
        try {
            int n = Integer.parseInt(limit.get().trim());
            return n >= 1 && n <= MAX_LIMIT ? Optional.of(n) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static ObjectNode render(List<RecentGaps.ArchiveGap> list) {
        ObjectNode body = JSON.createObjectNode();
        var array = body.putArray("gaps");
        for (RecentGaps.ArchiveGap g : list) {
            ObjectNode node = array.addObject()
                    .put("feed", g.feed())
                    .put("stream", g.stream())
                    .put("type", g.type());
            node.put("fromSeq", g.fromSeq());
            node.put("toSeq", g.toSeq());
            node.put("start", g.start());
            node.put("end", g.end());
            node.put("shard", g.shard());
            node.put("reason", g.reason());
            g.instruments().forEach(node.putArray("instruments")::add);
            node.put("file", g.file());
        }
        return body;
    }
}
