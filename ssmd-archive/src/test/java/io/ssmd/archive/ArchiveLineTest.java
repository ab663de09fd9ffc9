package io.ssmd.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The archive-line schema generated from {@link ArchiveLine} describes the lines {@link JsonLine} writes. */
class ArchiveLineTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @SuppressWarnings("unchecked")
    @Test
    void everyKindOfLineHasTheSchemasRequiredKeysAndNoOthers() throws Exception {
        Map<String, Object> schema = ArchiveLine.schema();
        Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
        List<String> required = (List<String>) schema.get("required");
        byte[][] frames = {
            "{\"a\":1}".getBytes(StandardCharsets.UTF_8), "PONG".getBytes(StandardCharsets.UTF_8), {(byte) 0xff, 0x00}
        };
        List<String> payloadKeys = new ArrayList<>();
        for (byte[] frame : frames) {
            for (String id : new String[] {null, "id-1"}) {
                JsonNode line = JSON.readTree(JsonLine.build(1L, 2L, "kraken.json.trade.BTC-USD", id, frame));
                List<String> keys = new ArrayList<>();
                line.fieldNames().forEachRemaining(keys::add);
                assertThat(properties.keySet()).containsAll(keys);
                assertThat(keys).containsAll(required);
                keys.removeAll(required);
                assertThat(keys).hasSize(1);
                payloadKeys.add(keys.get(0));
            }
        }
        assertThat(required).containsExactlyInAnyOrder("ts", "seq", "subject", "id");
        assertThat(payloadKeys).containsExactly("data", "data", "raw", "raw", "raw_base64", "raw_base64");
    }
}
