package io.ssmd.node;

import io.ssmd.core.settings.NodeConfig;
import io.ssmd.feeds.Venues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of {@code ssmd demo} under its data directory: the shipped feed files with every endpoint moved to the
 * local replay servers (paths kept, since each replay server serves its venue's real paths), a demo environment,
 * and a Kalshi key pair whose public half the Kalshi replay server checks signatures against.
 */
public record DemoLayout(Path dir, int firstPort, Path environmentFile, Path kalshiPrivateKey, Path kalshiPublicKey) {

    private static final Pattern ENDPOINT =
            Pattern.compile("(?m)^(\\s+(?:websocket|rest|discovery):\\s*)(wss?|https?)://[^/\\s]+(\\S*)");

    public static final String KALSHI_KEY_ID = "ssmd-demo";

    /** Writes the layout; the port of a venue is {@code firstPort} plus its index in {@link Venues#ids()}. */
    public static DemoLayout create(Path dataDir, int firstPort) throws IOException {
        return createFrom(NodeConfig.resolve(Path.of("exchanges/feeds"), System.getenv()), dataDir, firstPort);
    }

    /** {@link #create} from the feed files in {@code shipped}. */
    public static DemoLayout createFrom(Path shipped, Path dataDir, int firstPort) throws IOException {
        Path dir = dataDir.toAbsolutePath().normalize();
        Path feeds = Files.createDirectories(dir.resolve("exchanges/feeds"));
        Path environments = Files.createDirectories(dir.resolve("exchanges/environments"));
        if (!Files.isDirectory(shipped)) {
            throw new IOException("the shipped feed files are not at " + shipped.toAbsolutePath()
                    + "; run the demo from the ssmd directory (or through ./ssmd)");
        }
        for (String venue : Venues.ids()) {
            Path source = shipped.resolve(venue + ".yaml");
            String text = Files.readString(source, StandardCharsets.UTF_8);
            Files.writeString(
                    feeds.resolve(venue + ".yaml"),
                    local(text, firstPort + Venues.ids().indexOf(venue)),
                    StandardCharsets.UTF_8);
        }
        Path environment = environments.resolve("demo.yaml");
        Files.writeString(environment, environmentYaml(dir), StandardCharsets.UTF_8);
        Path keys = Files.createDirectories(dir.resolve("kalshi"));
        Path privateKey = keys.resolve("private-key.pem");
        Path publicKey = keys.resolve("public-key.pem");
        if (!Files.exists(privateKey) || !Files.exists(publicKey)) {
            writeKeyPair(privateKey, publicKey);
        }
        return new DemoLayout(dir, firstPort, environment, privateKey, publicKey);
    }

    public int port(String venue) {
        return firstPort + Venues.ids().indexOf(venue);
    }

    /** What the node reads Kalshi's credentials from (DESIGN §3: secrets come from the environment). */
    public Map<String, String> kalshiCredentials() {
        return Map.of("KALSHI_API_KEY_ID", KALSHI_KEY_ID, "KALSHI_PRIVATE_KEY_FILE", kalshiPrivateKey.toString());
    }

    /** Every endpoint of a feed file moved to 127.0.0.1:port, scheme without TLS, path kept. */
    public static String local(String feedYaml, int port) {
        Matcher m = ENDPOINT.matcher(feedYaml);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String scheme = m.group(2).startsWith("ws") ? "ws" : "http";
            m.appendReplacement(
                    out, Matcher.quoteReplacement(m.group(1) + scheme + "://127.0.0.1:" + port + m.group(3)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String environmentYaml(Path dir) {
        return """
                # Written by `ssmd demo`: every feed points at a local replay server.
                name: demo
                feeds-dir: ../feeds
                feeds:
                  kraken:
                    enabled: true
                    instruments: [BTC/USD, ETH/USD]
                  kraken-futures:
                    enabled: true
                    instruments: [PF_XBTUSD, PF_ETHUSD]
                  kalshi:
                    enabled: true
                    discovery:
                      max-instruments: 50
                  polymarket:
                    enabled: true
                    discovery:
                      max-instruments: 50
                # Kalshi and Polymarket take their markets from the security master, which the node fills from the
                # replay servers at startup, whatever the node's own ssmd.secmaster.sync-every says.
                secmaster:
                  sync-every: 1h
                streams:
                  defaults:
                    max-bytes: 1GiB
                    max-age: 1d
                    duplicate-window: 2m
                storage:
                  archive-root: %s
                archivers:
                  - name: main
                    streams: all
                gateway:
                  enabled: true
                """.formatted(dir.resolve("archive"));
    }

    /** A fresh RSA key pair as PEM files, the private one readable by its owner only. */
    public static void writeKeyPair(Path privateKey, Path publicKey) throws IOException {
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            pair = generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no RSA", e);
        }
        Files.writeString(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.UTF_8);
        Files.deleteIfExists(privateKey);
        Files.createFile(
                privateKey, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.UTF_8);
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
