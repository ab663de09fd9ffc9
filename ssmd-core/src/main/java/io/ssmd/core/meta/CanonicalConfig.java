package io.ssmd.core.meta;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A configuration file's content in one canonical form: mapping keys sorted at every level, comments, quoting and
 * layout dropped. Its hash is over that content, so reformatting a file or editing a comment is not a new version,
 * and the YAML that is stored and shown is this form (no comment of the file, which might hold anything, survives).
 *
 * @param yaml the canonical YAML
 * @param hash SHA-256 (hex) of the canonical content
 */
public record CanonicalConfig(JsonNode tree, String yaml, String hash) {

    private static final ObjectMapper YAML_READER =
            new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final ObjectMapper YAML_WRITER = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build());
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** Words in a key that mean its value would be a secret; keys ending {@code -env} or {@code -file} name one. */
    private static final List<String> SECRET_WORDS =
            List.of("secret", "password", "passphrase", "private-key", "privatekey", "token", "credential", "api-key");

    /**
     * The canonical form of a YAML file.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read or parsed, or when a key holds what looks
     *     like a secret value (environments name secrets by variable or file, and the stored version would keep it)
     */
    public static CanonicalConfig of(Path file) {
        JsonNode root;
        try {
            root = YAML_READER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": YAML syntax error: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": expected a mapping of keys at the top level");
        }
        List<String> secrets = new ArrayList<>();
        findSecretKeys(root, "", secrets);
        if (!secrets.isEmpty()) {
            throw new IllegalArgumentException(file + ": " + String.join(", ", secrets)
                    + (secrets.size() == 1 ? " looks" : " look")
                    + " like a secret value; name the environment variable (key ending -env) or the file (-file) that"
                    + " holds it instead, since every applied version is stored and shown");
        }
        return of(root);
    }

    /** The canonical form of parsed content (a stored version's YAML, read back). */
    public static CanonicalConfig ofYaml(String yaml) {
        try {
            return of(YAML_READER.readTree(yaml));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stored YAML cannot be parsed: " + e.getOriginalMessage(), e);
        }
    }

    static CanonicalConfig of(JsonNode content) {
        JsonNode sorted = sorted(content);
        try {
            String yaml = YAML_WRITER.writeValueAsString(sorted);
            String json = JSON.writeValueAsString(sorted);
            return new CanonicalConfig(sorted, yaml, sha256(json));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The top-level {@code name}, if the content has one. */
    public String name() {
        JsonNode name = tree.get("name");
        return name == null || !name.isTextual() ? "" : name.asText();
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> fields = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                fields.put(e.getKey(), sorted(e.getValue()));
            }
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            fields.forEach(out::set);
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> out.add(sorted(element)));
            return out;
        }
        return node;
    }

    private static void findSecretKeys(JsonNode node, String path, List<String> found) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                String at = path.isEmpty() ? key : path + "." + key;
                String lower = key.toLowerCase(Locale.ROOT);
                boolean names = lower.endsWith("-env") || lower.endsWith("-file");
                if (!names
                        && e.getValue().isValueNode()
                        && SECRET_WORDS.stream().anyMatch(lower::contains)) {
                    found.add("key " + at);
                }
                findSecretKeys(e.getValue(), at, found);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                findSecretKeys(node.get(i), path + "[" + i + "]", found);
            }
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
