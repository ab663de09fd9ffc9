package io.ssmd.core.model;

import io.ssmd.core.meta.JsonConventions;
import io.ssmd.core.meta.JsonSchemaGenerator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON Schemas of the normalized records as {@link MarketEventJson} writes them, generated from the records: the
 * conventions below are that writer's (the instrument under {@code ticker}, the {@code type} it adds, levels as
 * {@code [price, size]}, fields it leaves out when they have their default). Change the writer and the conventions
 * together.
 */
public final class MarketEventSchemas {

    private MarketEventSchemas() {}

    /** Schema name to generated JSON Schema. */
    public static Map<String, Map<String, Object>> generated() {
        JsonConventions common =
                JsonConventions.none().rename("instrument", "ticker").tuple(Level.class);
        Map<String, Map<String, Object>> schemas = new TreeMap<>();
        schemas.put(
                "trade",
                JsonSchemaGenerator.generate(
                        "trade",
                        Trade.class,
                        common.constant("type", "trade")
                                // A side of UNKNOWN is left out.
                                .omittedWhenDefault("side")));
        schemas.put("ticker", JsonSchemaGenerator.generate("ticker", Ticker.class, common.constant("type", "ticker")));
        schemas.put(
                "orderbook-snapshot",
                JsonSchemaGenerator.generate(
                        "orderbook-snapshot",
                        BookSnapshot.class,
                        common.constant("type", "orderbook")
                                .extra("snapshot", Map.of("type", "boolean", "const", true), true)));
        schemas.put(
                "orderbook-delta",
                JsonSchemaGenerator.generate(
                        "orderbook-delta",
                        BookDelta.class,
                        common.constant("type", "orderbook")
                                .extra("snapshot", Map.of("type", "boolean", "const", false), true)
                                // Written only when true.
                                .omittedWhenDefault("incremental")));
        schemas.put(
                "lifecycle",
                JsonSchemaGenerator.generate(
                        "lifecycle",
                        Lifecycle.class,
                        common.constant("type", "lifecycle").omittedWhenDefault("details")));
        return schemas;
    }
}
