package io.ssmd.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The dashboard page at {@code /} and its script and style under {@code /dashboard/}, served from the jar so that it
 * works offline (no CDN, no external fonts). The page itself reads {@code /v1/feeds}, {@code /v1/gaps} and
 * {@code /v1/stream}; this route only hands out the files.
 */
public final class DashboardRoute extends AllDirectives {

    /** Where the page's files sit on the classpath. */
    static final String RESOURCES = "io/ssmd/http/dashboard";

    public Route route() {
        // no-cache: a browser revalidates, so a node upgraded in place never runs an old script against a new API.
        return respondWithHeader(
                CacheControl.create(CacheDirectives.NO_CACHE),
                () -> concat(
                        pathSingleSlash(() -> get(() -> getFromResource(RESOURCES + "/index.html"))),
                        pathPrefix(segment("dashboard"), () -> get(() -> getFromResourceDirectory(RESOURCES)))));
    }
}
