package io.ssmd.archive;

/**
 * Whether bytes are exactly one JSON value (RFC 8259), checked in one pass over the bytes with nothing allocated: the
 * archiver asks this of every message it writes ({@link JsonLine}), and a parser per message took 40 % of its time.
 *
 * <p>Strict where a reader of the archive would fail: strings are valid UTF-8 with no raw control character and only
 * JSON's escapes, numbers have JSON's grammar (no leading zeros, no NaN), and nesting and number lengths stay within
 * Jackson's default read limits ({@value #MAX_DEPTH} levels, {@value #MAX_NUMBER_LENGTH} characters), so every
 * {@code data} the archive holds can be read back by Jackson's defaults.
 */
final class JsonSyntax {

    /** Jackson's default {@code StreamReadConstraints} maximum nesting depth. */
    static final int MAX_DEPTH = 1000;

    /** Jackson's default {@code StreamReadConstraints} maximum number length. */
    static final int MAX_NUMBER_LENGTH = 1000;

    private static final int INVALID = -1;

    private JsonSyntax() {}

    /** Whether {@code bytes} hold exactly one JSON value, whitespace around it allowed. */
    static boolean isJson(byte[] bytes) {
        int n = bytes.length;
        // Open containers: true for an object, false for an array.
        boolean[] objects = new boolean[16];
        int depth = 0;
        int i = 0;
        while (true) {
            // A value starts at i.
            i = whitespace(bytes, i);
            if (i >= n) {
                return false;
            }
            byte c = bytes[i];
            if (c == '{' || c == '[') {
                if (depth == MAX_DEPTH) {
                    return false;
                }
                boolean object = c == '{';
                i = whitespace(bytes, i + 1);
                if (i < n && bytes[i] == (object ? '}' : ']')) {
                    i++;
                } else {
                    if (depth == objects.length) {
                        objects = java.util.Arrays.copyOf(objects, depth * 2);
                    }
                    objects[depth++] = object;
                    if (object) {
                        i = key(bytes, i);
                        if (i == INVALID) {
                            return false;
                        }
                    }
                    continue;
                }
            } else if (c == '"') {
                i = string(bytes, i);
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                i = number(bytes, i);
            } else if (c == 't') {
                i = literal(bytes, i, "true");
            } else if (c == 'f') {
                i = literal(bytes, i, "false");
            } else if (c == 'n') {
                i = literal(bytes, i, "null");
            } else {
                return false;
            }
            if (i == INVALID) {
                return false;
            }
            // A value ended before i: close what it ends, or go on to the next member or element.
            while (true) {
                i = whitespace(bytes, i);
                if (depth == 0) {
                    return i == n;
                }
                if (i >= n) {
                    return false;
                }
                c = bytes[i];
                boolean object = objects[depth - 1];
                if (c == ',') {
                    i++;
                    if (object) {
                        i = key(bytes, whitespace(bytes, i));
                        if (i == INVALID) {
                            return false;
                        }
                    }
                    break;
                }
                if (c == (object ? '}' : ']')) {
                    depth--;
                    i++;
                    continue;
                }
                return false;
            }
        }
    }

    private static int whitespace(byte[] bytes, int i) {
        while (i < bytes.length) {
            byte c = bytes[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return i;
            }
            i++;
        }
        return i;
    }

    /** A member's name and its colon, from {@code i}; the index after the colon. */
    private static int key(byte[] bytes, int i) {
        if (i >= bytes.length || bytes[i] != '"') {
            return INVALID;
        }
        i = string(bytes, i);
        if (i == INVALID) {
            return INVALID;
        }
        i = whitespace(bytes, i);
        if (i >= bytes.length || bytes[i] != ':') {
            return INVALID;
        }
        return i + 1;
    }

    /** A string from its opening quote at {@code i}; the index after its closing quote. */
    private static int string(byte[] bytes, int i) {
        int n = bytes.length;
        i++;
        while (i < n) {
            int c = bytes[i] & 0xff;
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                if (i + 1 >= n) {
                    return INVALID;
                }
                byte e = bytes[i + 1];
                if (e == 'u') {
                    if (i + 5 >= n) {
                        return INVALID;
                    }
                    for (int k = i + 2; k < i + 6; k++) {
                        if (!hex(bytes[k])) {
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
                i = utf8(bytes, i, c);
                if (i == INVALID) {
                    return INVALID;
                }
            }
        }
        return INVALID;
    }

    /** A UTF-8 sequence of more than one byte led by {@code lead} at {@code i} (RFC 3629); the index after it. */
    private static int utf8(byte[] bytes, int i, int lead) {
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
    private static int number(byte[] bytes, int i) {
        int n = bytes.length;
        int start = i;
        if (bytes[i] == '-') {
            i++;
        }
        if (i >= n) {
            return INVALID;
        }
        if (bytes[i] == '0') {
            i++;
        } else if (digit(bytes[i])) {
            i = digits(bytes, i);
        } else {
            return INVALID;
        }
        if (i < n && bytes[i] == '.') {
            i++;
            if (i >= n || !digit(bytes[i])) {
                return INVALID;
            }
            i = digits(bytes, i);
        }
        if (i < n && (bytes[i] == 'e' || bytes[i] == 'E')) {
            i++;
            if (i < n && (bytes[i] == '+' || bytes[i] == '-')) {
                i++;
            }
            if (i >= n || !digit(bytes[i])) {
                return INVALID;
            }
            i = digits(bytes, i);
        }
        return i - start > MAX_NUMBER_LENGTH ? INVALID : i;
    }

    private static int digits(byte[] bytes, int i) {
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

    private static int literal(byte[] bytes, int i, String word) {
        if (i + word.length() > bytes.length) {
            return INVALID;
        }
        for (int k = 0; k < word.length(); k++) {
            if (bytes[i + k] != word.charAt(k)) {
                return INVALID;
            }
        }
        return i + word.length();
    }
}
