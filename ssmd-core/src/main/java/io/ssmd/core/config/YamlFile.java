package io.ssmd.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Reads a YAML configuration file into a {@link ConfigNode}, turning every way that can fail into a finding. */
final class YamlFile {

    // Duplicate keys are errors: YAML would silently keep the last one, hiding the first.
    private static final ObjectMapper MAPPER =
            new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private YamlFile() {}

    /** The root mapping of {@code file}; empty when the file is missing, unreadable, malformed or not a mapping. */
    static Optional<ConfigNode> read(Path file, Findings findings) {
        if (!Files.exists(file)) {
            findings.error(new ConfigError(file, "", "file not found"));
            return Optional.empty();
        }
        if (!Files.isRegularFile(file)) {
            findings.error(new ConfigError(file, "", "not a regular file"));
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            findings.error(new ConfigError(file, "", syntaxError(e)));
            return Optional.empty();
        } catch (IOException e) {
            findings.error(new ConfigError(file, "", "cannot be read: " + e.getMessage()));
            return Optional.empty();
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            findings.error(new ConfigError(file, "", "file is empty; expected a mapping of keys"));
            return Optional.empty();
        }
        if (!root.isObject()) {
            findings.error(new ConfigError(
                    file, "", "expected a mapping of keys at the top level, got " + ConfigNode.describe(root)));
            return Optional.empty();
        }
        return Optional.of(new ConfigNode(file, "", root, findings));
    }

    private static String syntaxError(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String problem = e.getOriginalMessage();
        if (e.getCause() instanceof MarkedYAMLException marked) {
            problem = marked.getProblem();
            if (marked.getContext() != null && marked.getContextMark() != null) {
                problem += " (" + marked.getContext() + " that starts at line "
                        + (marked.getContextMark().getLine() + 1) + ", column "
                        + (marked.getContextMark().getColumn() + 1) + ")";
            }
        }
        return "YAML syntax error" + where + ": " + problem;
    }
}
