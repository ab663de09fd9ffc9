package io.ssmd.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.ResponseEntity;

/** JSON response bodies, shared by every route of the node. */
public final class JsonEntities {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonEntities() {}

    public static ResponseEntity of(JsonNode node) {
        try {
            return HttpEntities.create(ContentTypes.APPLICATION_JSON, JSON.writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /** {@code {"error": reason}}: every 4xx says why. */
    public static ResponseEntity error(String reason) {
        return of(JSON.createObjectNode().put("error", reason));
    }
}
