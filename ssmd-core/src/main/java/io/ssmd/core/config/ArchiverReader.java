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
 * archiver, since two would write the same files, and must carry one feed's subjects, since its files go under
 * {@code {root}/{env}/{feed}/{stream}}. An archiver may override the storage's root, format and rotation.
 */
final class ArchiverReader {

    private static final List<String> KEYS = List.of("name", "streams", "archive-root", "format", "rotation");

    private ArchiverReader() {}

    /**
     * @param namedFeeds every feed the environment names, running or not, to explain a stream that is missing
     *                   because its feed does not run
     */
    static List<ArchiverSpec> read(
            ConfigNode root,
            String env,
            List<StreamSpec> streams,
            Set<String> namedFeeds,
            StorageSettings storage,
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
                item.error(
                        "name", "'" + name + "' is not a valid archiver name; expected lowercase [a-z0-9][a-z0-9_-]*");
            } else if (names.contains(name)) {
                item.error("name", "archiver '" + name + "' is listed twice");
            }
            names.add(name);
            List<String> selected = streams(item, known, env, namedFeeds);
            StorageSettings own = StorageReader.local(item, storage);
            List<ArchiveSource> sources = new ArrayList<>();
            for (String stream : selected) {
                String other = archiverOf.putIfAbsent(stream, name);
                if (other != null && !other.equals(name)) {
                    item.error(
                            "streams",
                            "stream '" + stream + "' is already archived by '" + other
                                    + "'; two archivers would write the same files");
                }
                feedOf(streams, stream, env)
                        .ifPresentOrElse(
                                feed -> sources.add(new ArchiveSource(stream, feed)),
                                () -> item.error(
                                        "streams",
                                        "stream '" + stream + "' does not carry the subjects of a single"
                                                + " feed (" + subjectsOf(streams, stream) + "); archive files go under"
                                                + " {root}/{env}/{feed}/{stream}, so an archived stream needs subjects "
                                                + env
                                                + ".{feed}.… of one feed"));
            }
            if (findings.cleanSince(mark)) {
                archivers.add(new ArchiverSpec(name, sources, own));
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

    /** The feed token every subject of the stream starts with ({@code {env}.{feed}.…}), when there is one. */
    static Optional<String> feedOf(List<StreamSpec> streams, String stream, String env) {
        List<String> subjects = subjectsOf(streams, stream);
        String feed = null;
        for (String subject : subjects) {
            String[] tokens = subject.split("\\.");
            if (tokens.length < 3
                    || !tokens[0].equals(env)
                    || !Subjects.isValidName(tokens[1])
                    || (feed != null && !feed.equals(tokens[1]))) {
                return Optional.empty();
            }
            feed = tokens[1];
        }
        return Optional.ofNullable(feed);
    }

    private static List<String> subjectsOf(List<StreamSpec> streams, String stream) {
        return streams.stream()
                .filter(s -> s.name().equals(stream))
                .findFirst()
                .map(StreamSpec::subjects)
                .orElse(List.of());
    }

    private static String unknown(String name, List<String> known, String env, Set<String> namedFeeds) {
        Optional<String> feed = namedFeeds.stream()
                .filter(f -> Subjects.streamName(env, f).equals(name))
                .findFirst();
        if (feed.isPresent()) {
            return "stream '" + name + "' belongs to feed " + feed.get() + ", which does not run (disabled or invalid);"
                    + " use streams: all, or remove it";
        }
        String suggestion = ClosestKey.to(name, known)
                .map(k -> " (did you mean '" + k + "'?)")
                .orElse("");
        return "unknown stream '" + name + "'" + suggestion + "; configured streams: "
                + (known.isEmpty() ? "none" : String.join(", ", known));
    }
}
