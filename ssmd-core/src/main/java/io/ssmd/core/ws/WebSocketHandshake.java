package io.ssmd.core.ws;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.util.ByteString;

/**
 * The client's side of the RFC 6455 opening handshake (§4.1): the HTTP/1.1 upgrade request, and the checks of the
 * server's answer: status 101, {@code Upgrade: websocket}, {@code Connection: Upgrade}, and a
 * {@code Sec-WebSocket-Accept} derived from the key sent. Anything else is a refusal whose reason names the status
 * (a venue's 429 stays readable in the shard's {@code lastError}).
 */
final class WebSocketHandshake {

    /** RFC 6455 §1.3: appended to the key before hashing. */
    static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** A response head longer than this is no WebSocket handshake. */
    static final int MAX_HEAD_BYTES = 64 * 1024;

    private static final ByteString HEAD_END = ByteString.fromString("\r\n\r\n", StandardCharsets.US_ASCII);

    private WebSocketHandshake() {}

    /** The server's answer's status line and headers (names in lower case; repeated headers joined with ", "). */
    record Response(int status, String reasonPhrase, Map<String, String> headers, int headLength) {

        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        /** The {@code Content-Length}, when the response states a valid one. */
        Optional<Long> contentLength() {
            try {
                return header("content-length").map(String::trim).map(Long::parseLong);
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    /** A fresh {@code Sec-WebSocket-Key}: 16 random bytes, base64. */
    static String newKey(SecureRandom random) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** The {@code Sec-WebSocket-Accept} a server must answer {@code key} with. */
    static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-1", e);
        }
    }

    /**
     * The upgrade request for {@code uri}, with {@code extra} headers (Kalshi's signature). A header name or value with
     * a line break is refused (it would inject headers); the message names the header, never its value, which may be
     * secret.
     */
    static ByteString request(URI uri, Map<String, String> extra, String key) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        StringBuilder request = new StringBuilder(256)
                .append("GET ")
                .append(path)
                .append(" HTTP/1.1\r\nHost: ")
                .append(hostHeader(uri))
                .append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ")
                .append(key)
                .append("\r\nSec-WebSocket-Version: 13\r\n");
        boolean userAgent = false;
        for (Map.Entry<String, String> header : extra.entrySet()) {
            String name = header.getKey();
            if (name.isEmpty() || hasLineBreakOrColon(name) || hasLineBreak(header.getValue())) {
                throw new IllegalArgumentException(
                        "the upgrade request's header '" + printable(name) + "' holds a line break or is not a name");
            }
            userAgent |= name.equalsIgnoreCase("User-Agent");
            request.append(name).append(": ").append(header.getValue()).append("\r\n");
        }
        if (!userAgent) {
            request.append("User-Agent: ssmd\r\n");
        }
        return ByteString.fromString(request.append("\r\n").toString(), StandardCharsets.UTF_8);
    }

    /** {@code host[:port]}, the port only when it is not the scheme's default. */
    static String hostHeader(URI uri) {
        int port = uri.getPort();
        int standard = "wss".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return port == -1 || port == standard ? uri.getHost() : uri.getHost() + ":" + port;
    }

    /**
     * The response head in {@code received}, once it is all there ({@code \r\n\r\n}); empty while more is to come.
     *
     * @throws WebSocketException when the head is too long or its status line is not HTTP
     */
    static Optional<Response> parse(ByteString received) {
        int end = received.indexOfSlice(HEAD_END);
        if (end < 0) {
            if (received.size() > MAX_HEAD_BYTES) {
                throw new WebSocketException(
                        "handshake refused: the response head is longer than " + MAX_HEAD_BYTES + " bytes");
            }
            return Optional.empty();
        }
        String head = received.slice(0, end).decodeString(StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/")) {
            throw new WebSocketException(
                    "handshake refused: not an HTTP response (status line '" + printable(abbreviate(lines[0])) + "')");
        }
        int code;
        try {
            code = Integer.parseInt(status[1]);
        } catch (NumberFormatException e) {
            throw new WebSocketException(
                    "handshake refused: not an HTTP status line: '" + printable(abbreviate(lines[0])) + "'");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        return Optional.of(new Response(code, status.length > 2 ? status[2] : "", headers, end + HEAD_END.size()));
    }

    /** Why {@code response} does not open a WebSocket for {@code key}; empty when it does. */
    static Optional<String> refusal(Response response, String key) {
        if (response.status() != 101) {
            return Optional.of("unexpected status code: " + response.status() + " " + response.reasonPhrase());
        }
        if (!response.header("upgrade").orElse("").trim().equalsIgnoreCase("websocket")) {
            return Optional.of("101 without the header 'Upgrade: websocket'");
        }
        boolean upgrade = false;
        for (String token : response.header("connection").orElse("").split(",")) {
            upgrade |= token.trim().equalsIgnoreCase("upgrade");
        }
        if (!upgrade) {
            return Optional.of("101 without the header 'Connection: Upgrade'");
        }
        String expected = accept(key);
        Optional<String> accept = response.header("sec-websocket-accept");
        if (accept.isEmpty() || !accept.get().equals(expected)) {
            return Optional.of("Sec-WebSocket-Accept "
                    + accept.map(a -> "'" + printable(abbreviate(a)) + "'").orElse("missing")
                    + " does not match the key sent (expected '" + expected + "')");
        }
        Optional<String> extensions = response.header("sec-websocket-extensions");
        if (extensions.isPresent() && !extensions.get().isBlank()) {
            return Optional.of("the server chose extensions that were not asked for: " + abbreviate(extensions.get()));
        }
        return Optional.empty();
    }

    static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }

    /** Control characters shown as {@code ?}, so a reason cannot break a log line. */
    static String printable(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return out.toString();
    }

    private static boolean hasLineBreak(String s) {
        return s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0;
    }

    private static boolean hasLineBreakOrColon(String s) {
        return hasLineBreak(s) || s.indexOf(':') >= 0;
    }
}
