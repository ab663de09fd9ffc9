package io.ssmd.http.meta;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmd.core.meta.AsOf;
import io.ssmd.core.meta.Environments;
import io.ssmd.core.meta.Feed;
import io.ssmd.core.meta.FeedCalendar;
import io.ssmd.core.meta.FeedRegistry;
import io.ssmd.core.meta.FeedVersion;
import io.ssmd.core.meta.MetaViews;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.SchemaRegistry;
import io.ssmd.core.meta.SchemaVersion;
import io.ssmd.core.meta.UnknownNameException;
import io.ssmd.http.JsonEntities;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /v1/meta/*} (DESIGN §14, issue 14 item 6): the feed registry, the schema registry and the environments, as
 * the CLI's {@code --json} shows them ({@link MetaViews}). Every database call runs on the executor given (the
 * node's blocking dispatcher), never on the route's. An unknown name is a 404 with
 * {@code {"error", "did_you_mean", "known"}}; a bad {@code as_of} or version a 400.
 *
 * <ul>
 *   <li>{@code GET /v1/meta/feeds[?status=&as_of=]}: {@code {"feeds": [feed...]}}
 *   <li>{@code GET /v1/meta/feeds/{name}[?as_of=]}: the feed, the version in effect, its calendar and history
 *   <li>{@code GET /v1/meta/feeds/{name}/calendar[?as_of=]}: the calendar in effect
 *   <li>{@code GET /v1/meta/schemas}: {@code {"schemas": [newest version of each]}}
 *   <li>{@code GET /v1/meta/schemas/{name}/{version}}: the version with its JSON Schema ({@code latest} for the newest)
 *   <li>{@code GET /v1/meta/environments}: {@code {"environments": [...]}}
 *   <li>{@code GET /v1/meta/environments/{name}/history}: every version and the deployment log
 *   <li>{@code /v1/meta/inventory}, {@code /v1/meta/inventory/{feed}/{date}}, {@code /v1/meta/gaps/{feed}}: the data
 *       inventory ({@link InventoryRoutes})
 * </ul>
 */
public final class MetaRoutes extends AllDirectives {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FeedRegistry feeds;
    private final SchemaRegistry schemas;
    private final Environments environments;
    private final Executor blocking;
    private final InventoryRoutes inventory;

    /** @param blocking where the JDBC calls run: the node's {@code ssmd-blocking-dispatcher} */
    public MetaRoutes(Metadata metadata, Executor blocking) {
        this.feeds = new FeedRegistry(metadata);
        this.schemas = new SchemaRegistry(metadata);
        this.environments = Environments.of(metadata);
        this.blocking = blocking;
        this.inventory = new InventoryRoutes(metadata, blocking);
    }

    /** A response to complete with. */
    record Answer(StatusCode status, JsonNode body) {

        static Answer ok(Object body) {
            return new Answer(StatusCodes.OK, JSON.valueToTree(body));
        }

        static Answer error(StatusCode status, String reason) {
            return new Answer(status, JSON.createObjectNode().put("error", reason));
        }
    }

    /** Thrown inside a query for a 400. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    public Route route() {
        return pathPrefix(
                segment("v1").slash("meta"),
                () -> get(() -> concat(
                        inventory.route(),
                        path(
                                segment("feeds"),
                                () -> parameterOptional(
                                        "status",
                                        status -> parameterOptional(
                                                "as_of",
                                                asOf -> answer(() -> {
                                                    Optional<Instant> t = asOf(asOf);
                                                    return Answer.ok(Map.of(
                                                            "feeds",
                                                            feeds.list(status, t).stream()
                                                                    .map(f -> MetaViews.feed(f.feed(), f.version()))
                                                                    .toList()));
                                                })))),
                        path(
                                segment("feeds").slash(segment()),
                                name -> parameterOptional(
                                        "as_of",
                                        asOf -> answer(() -> {
                                            Optional<Instant> t = asOf(asOf);
                                            Feed feed = feeds.feed(name);
                                            Optional<FeedVersion> version = feeds.version(name, t);
                                            List<FeedVersion> history = feeds.history(name);
                                            if (version.isEmpty() && t.isPresent()) {
                                                return Answer.error(
                                                        StatusCodes.NOT_FOUND,
                                                        "feed '" + name + "' had no version at " + t.get()
                                                                + (history.isEmpty()
                                                                        ? ""
                                                                        : ": its first version is in effect from "
                                                                                + history.get(0)
                                                                                        .effectiveFrom()));
                                            }
                                            Optional<FeedCalendar> calendar = feeds.calendar(name, t);
                                            return Answer.ok(MetaViews.feedDetail(feed, version, calendar, history));
                                        }))),
                        path(
                                segment("feeds").slash(segment()).slash("calendar"),
                                name -> parameterOptional(
                                        "as_of",
                                        asOf -> answer(() -> {
                                            Optional<Instant> t = asOf(asOf);
                                            Optional<FeedCalendar> calendar = feeds.calendar(name, t);
                                            return calendar.map(c -> Answer.ok(MetaViews.calendar(c)))
                                                    .orElseGet(() -> Answer.error(
                                                            StatusCodes.NOT_FOUND,
                                                            "feed '" + name + "' had no calendar"
                                                                    + t.map(i -> " at " + i)
                                                                            .orElse("")));
                                        }))),
                        path(
                                segment("schemas"),
                                () -> answer(() -> Answer.ok(Map.of(
                                        "schemas",
                                        schemas.list().stream()
                                                .map(MetaViews::schema)
                                                .toList())))),
                        path(
                                segment("schemas").slash(segment()).slash(segment()),
                                (name, version) -> answer(() -> {
                                    Optional<Integer> v = schemaVersion(version);
                                    SchemaVersion s = schemas.version(name, v);
                                    return Answer.ok(MetaViews.schemaDetail(s, schemas.versions(name)));
                                })),
                        path(
                                segment("environments"),
                                () -> answer(() -> Answer.ok(Map.of(
                                        "environments",
                                        environments.list().stream()
                                                .map(MetaViews::environment)
                                                .toList())))),
                        path(
                                segment("environments").slash(segment()).slash("history"),
                                name -> answer(() -> {
                                    return Answer.ok(MetaViews.environmentHistory(
                                            name, environments.history(name), environments.deployments(name)));
                                })))));
    }

    /** Runs {@code query} on the blocking executor and completes with its answer; unknown names are 404s. */
    private Route answer(Supplier<Answer> query) {
        CompletionStage<Answer> future = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return query.get();
                    } catch (UnknownNameException e) {
                        ObjectNode body = JSON.valueToTree(MetaViews.unknown(e));
                        return new Answer(StatusCodes.NOT_FOUND, body);
                    } catch (BadRequest e) {
                        return Answer.error(StatusCodes.BAD_REQUEST, e.getMessage());
                    }
                },
                blocking);
        return onSuccess(future, a -> complete(a.status(), JsonEntities.of(a.body())));
    }

    private static Optional<Instant> asOf(Optional<String> value) {
        try {
            return value.map(AsOf::parse);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("as_of: " + e.getMessage());
        }
    }

    private static Optional<Integer> schemaVersion(String value) {
        if (value.equals("latest")) {
            return Optional.empty();
        }
        try {
            int v = Integer.parseInt(value);
            if (v >= 1) {
                return Optional.of(v);
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new BadRequest("'" + value + "' is not a schema version: expected a whole number from 1, or latest");
    }
}
