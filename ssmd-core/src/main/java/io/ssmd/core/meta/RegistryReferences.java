package io.ssmd.core.meta;

import io.ssmd.core.config.ClosestKey;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks what an environment references (feeds, and the schema versions they produce) against the registry, for
 * {@code ssmd env validate} and {@code env apply} (issue 14 item 4).
 */
public interface RegistryReferences {

    /**
     * @param passed   one line per reference that checks out
     * @param failures one line per reference that does not, naming it and what exists
     */
    record Report(List<String> passed, List<String> failures) {

        public Report {
            passed = List.copyOf(passed);
            failures = List.copyOf(failures);
        }
    }

    Report check(Environment environment);

    /**
     * Feed names against the feed files they were loaded from: what can be checked with no database (the environment
     * loader has read the files already).
     */
    static RegistryReferences feedFiles() {
        return environment -> {
            List<String> passed = new ArrayList<>();
            for (EnabledFeed feed : environment.feeds()) {
                passed.add("feed " + feed.name() + ": defined in "
                        + feed.definition().file()
                        + " (no database: the feed registry was not consulted)");
            }
            return new Report(passed, List.of());
        };
    }

    /**
     * Every feed the environment enables against the feed registry, and the schema versions this build writes
     * against the schema registry:
     *
     * <ul>
     *   <li>a registered feed must be {@code active}: a disabled one fails, naming {@code ssmd feed enable};
     *   <li>a feed not registered yet passes when its feed file is there ({@code env apply} registers it), and says
     *       "Did you mean" when a registered feed has a close name (a near miss: the file may be a stray copy);
     *   <li>a schema version this build writes must not be {@code deprecated}; one not registered yet passes (a node
     *       registers the shipped catalog at startup).
     * </ul>
     *
     * @param written the schema versions this build writes (the shipped catalog)
     */
    static RegistryReferences registry(FeedRegistry feeds, SchemaRegistry schemas, List<SchemaDefinition> written) {
        return environment -> {
            List<String> passed = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            List<String> registered = feeds.names();
            Map<String, Feed> byName = feeds.list(Optional.empty(), Optional.empty()).stream()
                    .map(Feed.WithVersion::feed)
                    .collect(Collectors.toMap(Feed::name, Function.identity()));
            for (EnabledFeed enabled : environment.feeds()) {
                String name = enabled.name();
                Feed feed = byName.get(name);
                if (feed == null) {
                    Optional<String> near = ClosestKey.to(name, registered);
                    passed.add("feed " + name + ": not in the feed registry yet; `ssmd env apply` registers it from "
                            + enabled.definition().file()
                            + near.map(c -> ". Did you mean '" + c + "'? (registered: " + String.join(", ", registered)
                                            + ")")
                                    .orElse(""));
                } else if (feed.status().equals(Feed.DISABLED)) {
                    failures.add("feed " + name + " is disabled in the feed registry"
                            + feed.disabledAt().map(t -> " since " + t).orElse("")
                            + ": enable it with `ssmd feed enable " + name + "` or remove it from the environment");
                } else {
                    FeedRegistry.Plan plan = feeds.plan(enabled.definition());
                    passed.add("feed " + name + ": registered and active"
                            + (plan.pending() == FeedRegistry.Pending.UNCHANGED
                                    ? ", version " + plan.version() + " matches "
                                            + enabled.definition().file()
                                    : "; " + enabled.definition().file() + " changed: `ssmd env apply` records version "
                                            + plan.version()));
                }
            }
            List<String> registeredSchemas = schemas.names();
            for (SchemaDefinition written1 : written) {
                if (!registeredSchemas.contains(written1.name())) {
                    passed.add("schema " + written1.name() + " v" + written1.version()
                            + ": not in the schema registry yet; a node registers it at startup");
                    continue;
                }
                List<SchemaVersion> versions = schemas.versions(written1.name());
                Optional<SchemaVersion> row = versions.stream()
                        .filter(v -> v.version() == written1.version())
                        .findFirst();
                if (row.isEmpty()) {
                    passed.add("schema " + written1.name() + " v" + written1.version()
                            + ": not in the schema registry yet; a node registers it at startup");
                } else if (!row.get().status().equals(SchemaVersion.ACTIVE)) {
                    failures.add("schema " + written1.name() + " v" + written1.version() + " is "
                            + row.get().status()
                            + row.get().deprecatedAt().map(t -> " since " + t).orElse("")
                            + " in the schema registry, and this build still writes it");
                } else if (!row.get().schemaHash().equals(written1.hash())) {
                    failures.add("schema " + written1.name() + " v" + written1.version()
                            + " is registered with hash "
                            + row.get().schemaHash().substring(0, 12)
                            + ", this build writes " + written1.hash().substring(0, 12)
                            + ": a changed record needs a new version in the catalog");
                } else {
                    passed.add("schema " + written1.name() + " v" + written1.version() + ": active");
                }
            }
            return new Report(passed, failures);
        };
    }
}
