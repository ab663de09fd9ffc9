package io.ssmd.http.gateway;

import io.ssmd.http.JsonEntities;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The API keys a gateway accepts (DESIGN §3, §7), kept only as SHA-256 hashes: the file named by
 * {@code gateway.api-keys-file} holds one lower- or upper-case hex hash per line, {@code #} starts a comment. When keys
 * are configured every guarded route needs {@code X-API-Key} (or, for the WebSocket, {@code ?api_key=}, since browsers
 * cannot set headers on one), else 401 with a JSON reason.
 */
public final class ApiKeys extends AllDirectives {

    public static final String HEADER = "X-API-Key";
    public static final String QUERY_PARAMETER = "api_key";

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private final Set<String> hashes;
    private final boolean required;

    private ApiKeys(Set<String> hashes, boolean required) {
        this.hashes = Set.copyOf(hashes);
        this.required = required;
    }

    /** No key required. */
    public static ApiKeys none() {
        return new ApiKeys(Set.of(), false);
    }

    /**
     * Reads a file of hashes. An empty file is allowed and then accepts no key at all.
     *
     * @throws IllegalArgumentException naming the file and line of anything that is not a SHA-256 hex hash
     */
    public static ApiKeys load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read the API keys file " + file + " (gateway.api-keys-file): " + e, e);
        }
        Set<String> hashes = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int comment = line.indexOf('#');
            String value =
                    (comment >= 0 ? line.substring(0, comment) : line).strip().toLowerCase(Locale.ROOT);
            if (value.isEmpty()) {
                continue;
            }
            if (!SHA256_HEX.matcher(value).matches()) {
                problems.add(file + " line " + (i + 1) + ": expected a SHA-256 hash (64 hex digits), got "
                        + value.length() + " characters; hash a key with `ssmd gateway hash-key` and store only the"
                        + " hash, never the key");
            } else {
                hashes.add(value);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        return new ApiKeys(hashes, true);
    }

    /** The hash stored for a key: SHA-256 of its UTF-8 bytes, lower-case hex. */
    public static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public boolean required() {
        return required;
    }

    /** Whether the key is one of the configured ones (always true when none are required). */
    public boolean accepts(String key) {
        return !required || (key != null && hashes.contains(hash(key)));
    }

    /** {@code inner} for requests with an accepted {@code X-API-Key}; 401 with a reason for the rest. */
    public Route guard(Supplier<Route> inner) {
        return guard(false, inner);
    }

    /** As {@link #guard(Supplier)}, also taking the key from {@code ?api_key=} (WebSocket upgrades). */
    public Route guardAllowingQuery(Supplier<Route> inner) {
        return guard(true, inner);
    }

    private Route guard(boolean queryAllowed, Supplier<Route> inner) {
        if (!required) {
            return inner.get();
        }
        // Only /v1/* needs a key: any other path falls through to the inner route, which rejects it as its own
        // (so an unknown path is still a 404, not a 401).
        return extractUri(uri -> uri.path().startsWith("/v1/") ? checked(queryAllowed, inner) : inner.get());
    }

    private Route checked(boolean queryAllowed, Supplier<Route> inner) {
        return optionalHeaderValueByName(
                HEADER,
                header -> parameterOptional(QUERY_PARAMETER, query -> {
                    Optional<String> key = header.isPresent() || !queryAllowed ? header : query;
                    if (key.isEmpty()) {
                        return complete(
                                StatusCodes.UNAUTHORIZED,
                                JsonEntities.error("an API key is required: send it in the " + HEADER + " header"
                                        + (queryAllowed ? " or the " + QUERY_PARAMETER + " query parameter" : "")));
                    }
                    if (!accepts(key.get())) {
                        return complete(StatusCodes.UNAUTHORIZED, JsonEntities.error("the API key is not accepted"));
                    }
                    return inner.get();
                }));
    }
}
