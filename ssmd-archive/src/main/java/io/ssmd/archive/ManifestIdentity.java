package io.ssmd.archive;

import java.nio.file.Path;

/** What every manifest of one stream says about itself: where it belongs and how its files are written. */
record ManifestIdentity(String env, String feed, String stream, String format, String rotation) {

    /** An empty manifest for {@code dateDir}. */
    Manifest empty(Path dateDir) {
        return Manifest.empty(env, feed, stream, dateDir.getFileName().toString(), format, rotation);
    }
}
