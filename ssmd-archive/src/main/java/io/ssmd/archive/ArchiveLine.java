package io.ssmd.archive;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.core.meta.JsonConventions;
import io.ssmd.core.meta.JsonSchemaGenerator;
import java.util.Map;
import java.util.Optional;

/**
 * One line of an archive file as {@link JsonLine} writes it: the schema registry's {@code archive-line}, generated
 * from this record. Exactly one of {@code data}, {@code raw} and {@code raw_base64} is present; {@code id} is always
 * written, {@code null} when the message had no {@code Nats-Msg-Id}.
 *
 * @param ts        when ssmd received the frame, epoch µs
 * @param seq       the stream sequence
 * @param subject   the NATS subject
 * @param id        the {@code Nats-Msg-Id}
 * @param data      the frame, when it is one valid JSON value
 * @param raw       the frame as text, when it is UTF-8 but not JSON
 * @param rawBase64 the frame in base64, when it is not even UTF-8
 */
public record ArchiveLine(
        long ts,
        long seq,
        String subject,
        Optional<String> id,
        Optional<JsonNode> data,
        Optional<String> raw,
        Optional<String> rawBase64) {

    /** The schema's name in the registry. */
    public static final String SCHEMA = "archive-line";

    /** The generated JSON Schema of an archive line. */
    public static Map<String, Object> schema() {
        return JsonSchemaGenerator.generate(
                SCHEMA, ArchiveLine.class, JsonConventions.none().nullable("id").rename("rawBase64", "raw_base64"));
    }
}
