package io.ssmd.core.config;

import io.ssmd.core.nats.StreamSpec;
import io.ssmd.core.subject.Subjects;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the environment's {@code archivers}: each names streams that must exist. A stream belongs to at most one
 * archiver, since two would write the same files.
 */
final class ArchiverReader {

    private static final List<String> KEYS = List.of("name", "streams");

    private ArchiverReader() {
    }

    /**
     * @param namedFeeds every feed the environment names, running or not, to explain a stream that is missing
     *                   because its feed does not run
     */
    static List<ArchiverSpec> read(ConfigNode root, String env, List<StreamSpec> streams, Set<String> namedFeeds,
            Findings findings) {
        List<String> known = streams.stream().map(StreamSpec::name).toList();
        List<String> names = new ArrayList<>();
        Map<String, String> archiverOf = new HashMap<>();
        List<ArchiverSpec> archivers = new ArrayList<>();
        for (ConfigNode item : root.list("archivers")) {
            int mark = findings.mark();
            if (!item.allowOnly(KEYS)) {
                continue;
            }
            item.require("name", "a name such as main");
            item.require("streams", "all, or a list of stream names");
            String name = item.string("name").orElse("?");
            if (item.has("name") && !Subjects.isValidName(name)) {
                item.error("name", "'" + name + "' is not a valid archiver name; expected lowercase [a-z0-9][a-z0-9_-]*");
            } else if (names.contains(name)) {
                item.error("name", "archiver '" + name + "' is listed twice");
            }
            names.add(name);
            List<String> selected = streams(item, known, env, namedFeeds);
            for (String stream : selected) {
                String other = archiverOf.putIfAbsent(stream, name);
                if (other != null && !other.equals(name)) {
                    item.error("streams", "stream '" + stream + "' is already archived by '" + other
                            + "'; two archivers would write the same files");
                }
            }
            if (findings.cleanSince(mark)) {
                archivers.add(new ArchiverSpec(name, selected));
                findings.passed("archiver " + name + ": " + selected.size()
                        + (selected.size() == 1 ? " stream resolves" : " streams resolve"));
            }
        }
        return archivers;
    }

    private static List<String> streams(ConfigNode item, List<String> known, String env, Set<String> namedFeeds) {
        Optional<String> word = item.textIfString("streams");
        if (word.isPresent()) {
            if (!word.get().equals("all")) {
                item.error("streams", "expected all, or a list of stream names, got '" + word.get() + "'");
            }
            return known;
        }
        Optional<List<ConfigNode.Text>> read = item.texts("streams");
        if (read.isPresent() && read.get().isEmpty()) {
            item.error("streams", "empty list; expected all, or at least one stream name");
        }
        List<String> selected = new ArrayList<>();
        for (ConfigNode.Text stream : read.orElse(List.of())) {
            String name = stream.value();
            if (selected.contains(name)) {
                stream.node().error("stream '" + name + "' is listed twice");
            } else if (!known.contains(name)) {
                stream.node().error(unknown(name, known, env, namedFeeds));
            } else {
                selected.add(name);
            }
        }
        return selected;
    }

    private static String unknown(String name, List<String> known, String env, Set<String> namedFeeds) {
        Optional<String> feed = namedFeeds.stream().filter(f -> Subjects.streamName(env, f).equals(name)).findFirst();
        if (feed.isPresent()) {
            return "stream '" + name + "' belongs to feed " + feed.get() + ", which does not run (disabled or invalid);"
                    + " use streams: all, or remove it";
        }
        String suggestion = ClosestKey.to(name, known).map(k -> " (did you mean '" + k + "'?)").orElse("");
        return "unknown stream '" + name + "'" + suggestion + "; configured streams: "
                + (known.isEmpty() ? "none" : String.join(", ", known));
    }
}
