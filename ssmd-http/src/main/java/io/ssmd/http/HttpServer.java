package io.ssmd.http;

import io.ssmd.core.settings.NodeSettings.HttpSettings;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;

/** Binds the node's routes. Unmatched requests get a JSON body that says why, like every other 4xx of ssmd. */
public final class HttpServer extends AllDirectives {

    private HttpServer() {}

    /** Binds {@code route} (with ssmd's rejection handling) on the configured interface and port. */
    public static CompletionStage<ServerBinding> bind(ActorSystem<?> system, HttpSettings settings, Route route) {
        return Http.get(system)
                .newServerAt(settings.iface(), settings.port())
                .bind(new HttpServer().withJsonRejections(route));
    }

    Route withJsonRejections(Route route) {
        RejectionHandler fallback = RejectionHandler.defaultHandler();
        RejectionHandler handler = RejectionHandler.newBuilder()
                .handleNotFound(complete(StatusCodes.NOT_FOUND, JsonEntities.error("no such resource")))
                .build()
                .withFallback(fallback)
                .mapRejectionResponse(response ->
                        response.entity().getContentType().mediaType().isText()
                                ? response.withEntity(JsonEntities.error(strictText(response)))
                                : response);
        return handleRejections(handler, () -> route);
    }

    private static String strictText(HttpResponse response) {
        if (response.entity() instanceof HttpEntity.Strict strict) {
            return strict.getData().utf8String();
        }
        return response.status().reason();
    }
}
