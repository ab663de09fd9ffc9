package io.ssmd.core.shard;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Splits a frame that holds several events into one message per event by slicing its bytes, never by
 * re-serializing (DESIGN §5): re-serialized JSON changes number text ({@code 0.00000000} becomes {@code 0.0}), and
 * Kraken's checksum and every downstream reader depend on the exact text.
 *
 * <p>For an array under a field ({@code {"channel":"book","type":"update","data":[A,B]}}) each slice keeps the
 * envelope: {@code {"channel":"book","type":"update","data":[A]}}, the bytes before the array's first element,
 * the element, and the bytes from the array's end. For a frame that is itself an array ({@code [A,B]}, as
 * Polymarket sends) a slice is the element alone.
 */
public final class JsonSlices {

    private static final JsonFactory JSON = new JsonFactory();

    /** Where an array and its elements sit in a frame: byte offsets, end exclusive. */
    public record Layout(int arrayStart, int arrayEnd, List<int[]> elements) {

        public int size() {
            return elements.size();
        }

        /** The element's own bytes. */
        public byte[] element(byte[] frame, int index) {
            int[] range = elements.get(index);
            byte[] out = new byte[range[1] - range[0]];
            System.arraycopy(frame, range[0], out, 0, out.length);
            return out;
        }

        /** The frame with only this element in its array: prefix up to the {@code [}, the element, the rest. */
        public byte[] withOnly(byte[] frame, int index) {
            int[] range = elements.get(index);
            int prefix = arrayStart + 1;
            int suffix = frame.length - (arrayEnd - 1);
            int length = range[1] - range[0];
            byte[] out = new byte[prefix + length + suffix];
            System.arraycopy(frame, 0, out, 0, prefix);
            System.arraycopy(frame, range[0], out, prefix, length);
            System.arraycopy(frame, arrayEnd - 1, out, prefix + length, suffix);
            return out;
        }
    }

    private JsonSlices() {}

    /**
     * The layout of the array under top-level {@code field} of an object frame; empty when the frame is not a JSON
     * object or has no such array.
     */
    public static Optional<Layout> arrayField(byte[] frame, String field) {
        try (JsonParser parser = JSON.createParser(frame)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals(field) && value == JsonToken.START_ARRAY) {
                    return Optional.of(layout(parser));
                }
                parser.skipChildren();
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The layout of a frame that is itself a JSON array; empty otherwise. */
    public static Optional<Layout> rootArray(byte[] frame) {
        try (JsonParser parser = JSON.createParser(frame)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                return Optional.empty();
            }
            return Optional.of(layout(parser));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The layout of the array whose {@code START_ARRAY} is the parser's current token, read to its {@code END_ARRAY}:
     * for a decoder that reads the frame with its own streaming parser and slices it in the same pass. The parser must
     * have been created over the whole frame, from its first byte.
     */
    public static Layout layout(JsonParser parser) throws IOException {
        int arrayStart = (int) parser.currentTokenLocation().getByteOffset();
        List<int[]> elements = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
                throw new IOException("unterminated array");
            }
            int start = (int) parser.currentTokenLocation().getByteOffset();
            parser.skipChildren();
            // A string's text is read lazily: finish it, or the location would still point inside it.
            parser.finishToken();
            int end = (int) parser.currentLocation().getByteOffset();
            elements.add(new int[] {start, end});
        }
        int arrayEnd = (int) parser.currentLocation().getByteOffset();
        return new Layout(arrayStart, arrayEnd, List.copyOf(elements));
    }
}
