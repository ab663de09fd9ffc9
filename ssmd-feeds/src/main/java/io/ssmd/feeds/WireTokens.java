package io.ssmd.feeds;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Readers of venue frames on Jackson's streaming parser, for the protocols that must keep a number's wire text (Kraken's
 * checksum) or a frame's byte ranges (Polymarket's slices): what {@link WireFields} does for a tree, done token by
 * token. Each reader starts on the value's first token and leaves the parser on its last.
 */
public final class WireTokens {

    /** Reads one object whose {@code START_OBJECT} is the current token, up to and including its {@code END_OBJECT}. */
    @FunctionalInterface
    public interface ObjectReader<T> {
        T read(JsonParser p) throws IOException;
    }

    /** Makes a level of a price's and a size's wire text; null when either is not a number. */
    @FunctionalInterface
    public interface LevelReader<L> {
        L level(String price, String size);
    }

    private WireTokens() {}

    /** Skips the current value, children and all, and answers {@code result}: for a field of an unexpected type. */
    public static <T> T skip(JsonParser p, T result) throws IOException {
        p.skipChildren();
        return result;
    }

    /**
     * A scalar's text (numbers too: a venue that stops quoting them, or starts, must not cost the field); null, the
     * value skipped, for a JSON null or a container.
     */
    public static String text(JsonParser p, JsonToken value) throws IOException {
        if (value.isScalarValue() && value != JsonToken.VALUE_NULL) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    /**
     * The next element of the array being read, its first token current; null after the array's {@code END_ARRAY}.
     *
     * @throws IOException when the frame ends inside the array
     */
    public static JsonToken nextElement(JsonParser p) throws IOException {
        JsonToken token = p.nextToken();
        if (token == null) {
            throw new IOException("unterminated array");
        }
        return token == JsonToken.END_ARRAY ? null : token;
    }

    /**
     * The elements of the array whose {@code START_ARRAY} is current: each object as {@code object} reads it, any
     * other element skipped and answered as {@code notAnObject}, so that one odd element costs only itself.
     */
    public static <T> List<T> objects(JsonParser p, ObjectReader<T> object, T notAnObject) throws IOException {
        List<T> elements = new ArrayList<>();
        JsonToken token;
        while ((token = nextElement(p)) != null) {
            elements.add(token == JsonToken.START_OBJECT ? object.read(p) : skip(p, notAnObject));
        }
        return elements;
    }

    /**
     * A book side of {@code {price, size}} objects (the array's {@code START_ARRAY} current), the two fields' text
     * handed to {@code level}; null, after reading to the side's end, when an element is no object or no level: a
     * side read in part would be a wrong book.
     */
    public static <L> List<L> levels(JsonParser p, String priceField, String sizeField, LevelReader<L> level)
            throws IOException {
        List<L> levels = objects(p, o -> level(o, priceField, sizeField, level), null);
        return levels.contains(null) ? null : levels;
    }

    private static <L> L level(JsonParser p, String priceField, String sizeField, LevelReader<L> level)
            throws IOException {
        String price = null;
        String size = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            String text = text(p, value);
            if (name.equals(priceField)) {
                price = text;
            } else if (name.equals(sizeField)) {
                size = text;
            }
        }
        return price == null || size == null ? null : level.level(price, size);
    }
}
