package io.ssmd.core.meta;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks what an environment references (feeds, and the schema versions they produce) against the registry, for
 * {@code ssmd env validate} and {@code env apply} (issue 14 item 4).
 *
 * <p>The hook the feed registry fills: until {@code FeedRegistry} exists, {@link #feedFiles()} checks the feed names
 * against the feed files in {@code exchanges/feeds/} (which the environment loader has read already). The registry's
 * implementation adds "feed exists and is active" and "schema versions active", with "Did you mean" for unknown names.
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

    /** Feed names against the feed files they were loaded from; no registry yet. */
    static RegistryReferences feedFiles() {
        return environment -> {
            List<String> passed = new ArrayList<>();
            for (EnabledFeed feed : environment.feeds()) {
                passed.add("feed " + feed.name() + ": defined in "
                        + feed.definition().file()
                        + " (feed registry not consulted yet: checked against the feed file)");
            }
            return new Report(passed, List.of());
        };
    }
}
