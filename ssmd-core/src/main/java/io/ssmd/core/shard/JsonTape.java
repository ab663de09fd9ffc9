package io.ssmd.core.shard;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One pass over a frame that both checks it is exactly one JSON value (RFC 8259, the archiver's {@code JsonSyntax}
 * rules) and records where each value sits: a flat tape of tokens (kind, byte range, the token after the value), kept
 * and reused by one decoder, so reading a frame allocates nothing. Issue 20 found Jackson's parser (made per frame,
 * tokenizing the whole frame and copying each value into a {@code String}) most of a common frame's decode.
 *
 * <p>Stricter than Jackson's defaults, never laxer: valid UTF-8 only, no byte-order mark, no raw control character
 * in a string, JSON's escapes only, no leading zeros, nesting within {@value #MAX_DEPTH} levels and numbers within
 * {@value #MAX_NUMBER_LENGTH} characters. A decoder reads the frames the tape accepts on its fast path and hands every
 * other frame to its Jackson reader, so a broken frame's outcome (and its reason, Jackson's message) is what it was.
 *
 * <p>An object's tokens are its own, then each member's name (a {@link #STRING}) followed by the member's value; an
 * array's are its own, then its elements. {@link #next} skips a value with everything inside it. Not thread-safe: one
 * per decoder, used from its decoding stage.
 */
public final class JsonTape {

    public static final byte OBJECT = 1;
    public static final byte ARRAY = 2;
    public static final byte STRING = 3;
    public static final byte NUMBER = 4;
    public static final byte TRUE = 5;
    public static final byte FALSE = 6;
    public static final byte NULL = 7;

    /** Nesting this tape reads; deeper frames go to the decoder's Jackson reader. */
    static final int MAX_DEPTH = 64;

    /** Jackson's default {@code StreamReadConstraints} maximum number length. */
    static final int MAX_NUMBER_LENGTH = 1000;

    private static final int INVALID = -1;

    /** Bytes that end the plain run of a string: the quote, the backslash, control characters, non-ASCII. */
    private static final boolean[] SPECIAL_IN_STRING = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) {
            SPECIAL_IN_STRING[c] = c == '"' || c == '\\' || c < 0x20 || c >= 0x80;
        }
    }

    private byte[] bytes;
    private int count;
    private byte[] kinds = new byte[256];
    private boolean[] escaped = new boolean[256];
    private int[] starts = new int[256];
    private int[] ends = new int[256];
    private int[] nexts = new int[256];

    /** Slots of the id cache ({@link #cachedText}): a power of two. */
    private static final int CACHED_TEXTS = 256;

    /** Longest string {@link #cachedText} keeps. */
    private static final int CACHED_LENGTH = 128;

    private final String[] cachedTexts = new String[CACHED_TEXTS];
    private final byte[][] cachedBytes = new byte[CACHED_TEXTS][];

    /**
     * Reads a frame onto the tape.
     *
     * @return whether the frame is exactly one JSON value (whitespace around it allowed) within this tape's limits;
     *     when false the tape holds nothing usable
     */
    public boolean read(byte[] frame) {
        bytes = frame;
        count = 0;
        int i = value(whitespace(0), 0);
        return i != INVALID && whitespace(i) == frame.length;
    }

    /** Tokens on the tape; the root value is token 0. */
    public int size() {
        return count;
    }

    public byte kind(int token) {
        return kinds[token];
    }

    /** The token after this value and everything inside it. */
    public int next(int token) {
        return nexts[token];
    }

    /** Where the value starts in the frame (a string's opening quote). */
    public int start(int token) {
        return starts[token];
    }

    /** Where the value ends in the frame, exclusive (after a string's closing quote, a container's bracket). */
    public int end(int token) {
        return ends[token];
    }

    /** Whether a string holds an escape, so that its text differs from its bytes. */
    public boolean escaped(int token) {
        return escaped[token];
    }

    /** Whether the token is a string without escapes whose text is {@code ascii}. */
    public boolean is(int token, byte[] ascii) {
        if (kinds[token] != STRING || escaped[token]) {
            return false;
        }
        int from = starts[token] + 1;
        return sameBytes(from, ends[token] - 1 - from, ascii);
    }

    /**
     * The text of a string without escapes, or of a number as written: what Jackson's {@code getText} answers for the
     * token. Not for an escaped string.
     */
    public String text(int token) {
        if (kinds[token] == STRING) {
            return new String(bytes, starts[token] + 1, ends[token] - starts[token] - 2, StandardCharsets.UTF_8);
        }
        return new String(bytes, starts[token], ends[token] - starts[token], StandardCharsets.ISO_8859_1);
    }

    /**
     * {@link #text} of a string that recurs from frame to frame (an instrument's id), answered from a small
     * direct-mapped cache when the same bytes were read before: no {@code String} made, and its hash, which the
     * subject and book maps ask for, already computed. Not for an escaped string.
     */
    public String cachedText(int token) {
        int from = starts[token] + 1;
        int length = ends[token] - 1 - from;
        if (kinds[token] != STRING || length > CACHED_LENGTH) {
            return text(token);
        }
        int hash = hash(bytes, from, length);
        int slot = (hash ^ (hash >>> 16)) & (CACHED_TEXTS - 1);
        byte[] known = cachedBytes[slot];
        if (known != null && sameBytes(from, length, known)) {
            return cachedTexts[slot];
        }
        String text = new String(bytes, from, length, StandardCharsets.UTF_8);
        cachedBytes[slot] = Arrays.copyOfRange(bytes, from, from + length);
        cachedTexts[slot] = text;
        return text;
    }

    /**
     * Names a reader looks for, each with its length and hash, so that finding a member's name among them costs one
     * pass over the name and a compare per candidate rather than a byte compare per candidate.
     */
    public static final class Names {
        private final byte[][] names;
        private final int[] hashes;

        private Names(String... names) {
            this.names = new byte[names.length][];
            this.hashes = new int[names.length];
            for (int i = 0; i < names.length; i++) {
                this.names[i] = ascii(names[i]);
                this.hashes[i] = hash(this.names[i], 0, this.names[i].length);
            }
        }

        /** How many names. */
        public int size() {
            return names.length;
        }
    }

    /** Names to find with {@link #field}: at most 32, so that a reader can mark those seen in an {@code int}. */
    public static Names names(String... names) {
        if (names.length > 32) {
            throw new IllegalArgumentException("at most 32 names: " + names.length);
        }
        return new Names(names);
    }

    /**
     * Which of {@code names} a member's name token (or any string token) is: its index, -1 for none of them,
     * {@link #ESCAPED_NAME} for a name with escapes (whose text this tape does not compare: a reader hands such a frame
     * to Jackson).
     */
    public int field(int name, Names names) {
        if (escaped[name]) {
            return ESCAPED_NAME;
        }
        int from = starts[name] + 1;
        int length = ends[name] - 1 - from;
        int hash = hash(bytes, from, length);
        for (int i = 0; i < names.hashes.length; i++) {
            if (names.hashes[i] == hash && sameBytes(from, length, names.names[i])) {
                return i;
            }
        }
        return -1;
    }

    private boolean sameBytes(int from, int length, byte[] name) {
        if (name.length != length) {
            return false;
        }
        for (int k = 0; k < length; k++) {
            if (bytes[from + k] != name[k]) {
                return false;
            }
        }
        return true;
    }

    private static int hash(byte[] bytes, int from, int length) {
        int h = length;
        for (int k = from; k < from + length; k++) {
            h = 31 * h + bytes[k];
        }
        return h;
    }

    /** {@link #field}'s answer for a name with escapes. */
    public static final int ESCAPED_NAME = -2;

    /**
     * A scalar's text as Jackson's {@code getText} answers it (a number's or a literal's as written); null for
     * {@code null} and for a container. Not for an escaped string ({@link #escaped}).
     */
    public String scalar(int token) {
        return switch (kinds[token]) {
            case STRING, NUMBER -> text(token);
            case TRUE -> "true";
            case FALSE -> "false";
            default -> null;
        };
    }

    /** ASCII bytes of a name, for {@link #is} and {@link #field}. */
    public static byte[] ascii(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }

    /** The member of an object token named {@code ascii}'s value token, or -1; -1 too when the name is given twice. */
    public int member(int object, byte[] ascii) {
        int found = -1;
        int end = nexts[object];
        for (int t = object + 1; t < end; t = nexts[t + 1]) {
            if (is(t, ascii)) {
                if (found != -1) {
                    return -1;
                }
                found = t + 1;
            }
        }
        return found;
    }

    /** Whether a number token has neither a fraction nor an exponent (Jackson's {@code VALUE_NUMBER_INT}). */
    public boolean integral(int token) {
        for (int i = starts[token]; i < ends[token]; i++) {
            byte b = bytes[i];
            if (b == '.' || b == 'e' || b == 'E') {
                return false;
            }
        }
        return kinds[token] == NUMBER;
    }

    /** The value of a number token without fraction or exponent, or {@code fallback} when it has them or overflows. */
    public long longValue(int token, long fallback) {
        if (kinds[token] != NUMBER) {
            return fallback;
        }
        int i = starts[token];
        int end = ends[token];
        boolean negative = bytes[i] == '-';
        if (negative) {
            i++;
        }
        if (end - i > 18) {
            return fallback;
        }
        long value = 0;
        for (; i < end; i++) {
            byte b = bytes[i];
            if (b < '0' || b > '9') {
                return fallback;
            }
            value = value * 10 + (b - '0');
        }
        return negative ? -value : value;
    }

    private int value(int i, int depth) {
        int n = bytes.length;
        if (i >= n) {
            return INVALID;
        }
        int token = add(i);
        byte c = bytes[i];
        int end;
        if (c == '{') {
            end = object(token, i, depth);
        } else if (c == '[') {
            end = array(token, i, depth);
        } else if (c == '"') {
            kinds[token] = STRING;
            end = string(token, i);
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            kinds[token] = NUMBER;
            end = number(i);
        } else if (c == 't') {
            kinds[token] = TRUE;
            end = literal(i, "true");
        } else if (c == 'f') {
            kinds[token] = FALSE;
            end = literal(i, "false");
        } else if (c == 'n') {
            kinds[token] = NULL;
            end = literal(i, "null");
        } else {
            return INVALID;
        }
        if (end == INVALID) {
            return INVALID;
        }
        ends[token] = end;
        nexts[token] = count;
        return end;
    }

    private int object(int token, int i, int depth) {
        kinds[token] = OBJECT;
        if (depth == MAX_DEPTH) {
            return INVALID;
        }
        i = whitespace(i + 1);
        if (i < bytes.length && bytes[i] == '}') {
            return i + 1;
        }
        while (true) {
            if (i >= bytes.length || bytes[i] != '"') {
                return INVALID;
            }
            int name = add(i);
            kinds[name] = STRING;
            i = string(name, i);
            if (i == INVALID) {
                return INVALID;
            }
            ends[name] = i;
            nexts[name] = count;
            i = whitespace(i);
            if (i >= bytes.length || bytes[i] != ':') {
                return INVALID;
            }
            i = value(whitespace(i + 1), depth + 1);
            if (i == INVALID) {
                return INVALID;
            }
            i = whitespace(i);
            if (i >= bytes.length) {
                return INVALID;
            }
            if (bytes[i] == '}') {
                return i + 1;
            }
            if (bytes[i] != ',') {
                return INVALID;
            }
            i = whitespace(i + 1);
        }
    }

    private int array(int token, int i, int depth) {
        kinds[token] = ARRAY;
        if (depth == MAX_DEPTH) {
            return INVALID;
        }
        i = whitespace(i + 1);
        if (i < bytes.length && bytes[i] == ']') {
            return i + 1;
        }
        while (true) {
            i = value(i, depth + 1);
            if (i == INVALID) {
                return INVALID;
            }
            i = whitespace(i);
            if (i >= bytes.length) {
                return INVALID;
            }
            if (bytes[i] == ']') {
                return i + 1;
            }
            if (bytes[i] != ',') {
                return INVALID;
            }
            i = whitespace(i + 1);
        }
    }

    private int add(int start) {
        if (count == kinds.length) {
            int size = count * 2;
            kinds = Arrays.copyOf(kinds, size);
            escaped = Arrays.copyOf(escaped, size);
            starts = Arrays.copyOf(starts, size);
            ends = Arrays.copyOf(ends, size);
            nexts = Arrays.copyOf(nexts, size);
        }
        int token = count++;
        starts[token] = start;
        escaped[token] = false;
        return token;
    }

    private int whitespace(int i) {
        byte[] b = bytes;
        while (i < b.length) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return i;
            }
            i++;
        }
        return i;
    }

    /** A string from its opening quote at {@code i}; the index after its closing quote. */
    private int string(int token, int i) {
        byte[] b = bytes;
        int n = b.length;
        i++;
        while (i < n) {
            int c = b[i] & 0xff;
            if (!SPECIAL_IN_STRING[c]) {
                i++;
                continue;
            }
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                escaped[token] = true;
                if (i + 1 >= n) {
                    return INVALID;
                }
                byte e = b[i + 1];
                if (e == 'u') {
                    if (i + 5 >= n) {
                        return INVALID;
                    }
                    for (int k = i + 2; k < i + 6; k++) {
                        if (!hex(b[k])) {
                            return INVALID;
                        }
                    }
                    i += 6;
                } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r'
                        || e == 't') {
                    i += 2;
                } else {
                    return INVALID;
                }
            } else if (c < 0x20) {
                return INVALID;
            } else if (c < 0x80) {
                i++;
            } else {
                i = utf8(i, c);
                if (i == INVALID) {
                    return INVALID;
                }
            }
        }
        return INVALID;
    }

    /** A UTF-8 sequence of more than one byte led by {@code lead} at {@code i} (RFC 3629); the index after it. */
    private int utf8(int i, int lead) {
        int more;
        int low = 0x80;
        int high = 0xbf;
        if (lead >= 0xc2 && lead <= 0xdf) {
            more = 1;
        } else if (lead == 0xe0) {
            more = 2;
            low = 0xa0;
        } else if (lead == 0xed) {
            more = 2;
            high = 0x9f; // no surrogates
        } else if (lead >= 0xe1 && lead <= 0xef) {
            more = 2;
        } else if (lead == 0xf0) {
            more = 3;
            low = 0x90;
        } else if (lead >= 0xf1 && lead <= 0xf3) {
            more = 3;
        } else if (lead == 0xf4) {
            more = 3;
            high = 0x8f; // nothing above U+10FFFF
        } else {
            return INVALID;
        }
        if (i + more >= bytes.length) {
            return INVALID;
        }
        for (int k = 1; k <= more; k++) {
            int b = bytes[i + k] & 0xff;
            if (k == 1 ? b < low || b > high : b < 0x80 || b > 0xbf) {
                return INVALID;
            }
        }
        return i + more + 1;
    }

    /** A number from {@code i}: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}; the index after it. */
    private int number(int i) {
        byte[] b = bytes;
        int n = b.length;
        int start = i;
        if (b[i] == '-') {
            i++;
        }
        if (i >= n) {
            return INVALID;
        }
        if (b[i] == '0') {
            i++;
        } else if (digit(b[i])) {
            i = digits(i);
        } else {
            return INVALID;
        }
        if (i < n && b[i] == '.') {
            i++;
            if (i >= n || !digit(b[i])) {
                return INVALID;
            }
            i = digits(i);
        }
        if (i < n && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < n && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            if (i >= n || !digit(b[i])) {
                return INVALID;
            }
            i = digits(i);
        }
        // A number runs into the next structural character or whitespace: "1x" or "0123" is not JSON.
        if (i < n && !structural(b[i])) {
            return INVALID;
        }
        return i - start > MAX_NUMBER_LENGTH ? INVALID : i;
    }

    private static boolean structural(byte c) {
        return c == ',' || c == ']' || c == '}' || c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    private int digits(int i) {
        while (i < bytes.length && digit(bytes[i])) {
            i++;
        }
        return i;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean hex(byte b) {
        return digit(b) || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    private int literal(int i, String word) {
        if (i + word.length() > bytes.length) {
            return INVALID;
        }
        for (int k = 0; k < word.length(); k++) {
            if (bytes[i + k] != word.charAt(k)) {
                return INVALID;
            }
        }
        int end = i + word.length();
        // "truex" is not JSON either.
        return end < bytes.length && !structural(bytes[end]) ? INVALID : end;
    }
}
