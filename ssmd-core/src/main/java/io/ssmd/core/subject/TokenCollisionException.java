package io.ssmd.core.subject;

/** Two instruments of one feed map to the same subject token, so their messages could not be told apart. */
public final class TokenCollisionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public TokenCollisionException(String feed, String first, String second, String token) {
        super("feed '" + feed + "': instruments '" + first + "' and '" + second + "' both map to subject token '"
                + token + "'; remove one of them or rename it");
    }
}
