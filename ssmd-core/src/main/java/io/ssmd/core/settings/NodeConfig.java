package io.ssmd.core.settings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads {@code application.conf}: an explicit file, else {@code ./application.conf}, else the one in the ssmd home
 * directory (the launcher sets {@code SSMD_HOME}), on top of every module's {@code reference.conf}.
 */
public final class NodeConfig {

    private NodeConfig() {}

    /**
     * The resolved configuration.
     *
     * @throws InvalidNodeConfigException naming the file and key, when the file is missing or unreadable, or sets a
     *                                    key under {@code ssmd} that no module defines (a misspelling would
     *                                    otherwise be ignored silently)
     */
    public static Config load(Optional<Path> explicit, Map<String, String> env) {
        Optional<Path> file = explicit.isPresent() ? explicit : locate(env);
        if (explicit.isPresent() && !Files.isRegularFile(explicit.get())) {
            throw new InvalidNodeConfigException(List.of(explicit.get() + ": file not found"));
        }
        Config config;
        try {
            config = layered(file.map(f -> ConfigFactory.parseFile(f.toFile()))
                    .orElseGet(() -> ConfigFactory.parseResources("application.conf")));
        } catch (ConfigException e) {
            throw new InvalidNodeConfigException(List.of(e.getMessage()));
        }
        List<String> unknown = unknownKeys(config);
        if (!unknown.isEmpty()) {
            throw new InvalidNodeConfigException(unknown);
        }
        return config;
    }

    /**
     * An application configuration (not yet resolved) on top of ssmd's Pekko settings ({@code ssmd-pekko.conf}) on
     * top of every {@code reference.conf}, under Java system properties; resolved. ssmd's Pekko settings cannot live
     * in reference.conf: merged with the libraries' own, they could lose to a default that comes later.
     */
    public static Config layered(Config application) {
        return ConfigFactory.defaultOverrides()
                .withFallback(application)
                .withFallback(ConfigFactory.parseResources(NodeConfig.class.getClassLoader(), "ssmd-pekko.conf"))
                .withFallback(ConfigFactory.defaultReference())
                .resolve();
    }

    /**
     * The configuration a node's actor system runs with: whatever was loaded, as a cluster member (a node is a
     * one-node cluster unless seed nodes say otherwise; DESIGN §2). A node on remoting port 0 gets management port 0.
     */
    public static Config forNode(Config config) {
        Config node = ConfigFactory.parseString("pekko.actor.provider = cluster");
        // A node on an ephemeral remoting port (tests, benches, throwaway nodes) cannot be anyone's seed or contact
        // point; its management endpoint takes an ephemeral port too, so that such nodes never fight over one.
        if (config.getInt("pekko.remote.artery.canonical.port") == 0) {
            node = node.withFallback(ConfigFactory.parseString("pekko.management.http.port = 0"));
        }
        return node.withFallback(config).resolve();
    }

    /** Where ssmd looks for application.conf when none is named. */
    static Optional<Path> locate(Map<String, String> env) {
        Path here = Path.of("application.conf");
        if (Files.isRegularFile(here)) {
            return Optional.of(here);
        }
        return Optional.ofNullable(env.get("SSMD_HOME"))
                .map(home -> Path.of(home, "application.conf"))
                .filter(Files::isRegularFile);
    }

    /**
     * A relative path that does not exist in the working directory is looked up in the ssmd home, so that
     * {@code /opt/ssmd/ssmd run} finds the default environment wherever it is started from.
     */
    public static Path resolve(Path path, Map<String, String> env) {
        if (path.isAbsolute() || Files.exists(path) || !env.containsKey("SSMD_HOME")) {
            return path;
        }
        Path inHome = Path.of(env.get("SSMD_HOME")).resolve(path);
        return Files.exists(inHome) ? inHome : path;
    }

    private static List<String> unknownKeys(Config config) {
        Set<String> known = new TreeSet<>();
        ConfigFactory.defaultReference().getConfig("ssmd").entrySet().forEach(e -> known.add(e.getKey()));
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> entry : config.getConfig("ssmd").entrySet()) {
            if (!known.contains(entry.getKey())) {
                problems.add(entry.getValue().origin().description() + ": unknown key ssmd." + entry.getKey()
                        + "; the keys are listed in docs/configuration.md (application.conf)");
            }
        }
        return problems;
    }

    /** application.conf could not be used; every problem names its file and key. */
    public static final class InvalidNodeConfigException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final List<String> problems;

        public InvalidNodeConfigException(List<String> problems) {
            super(String.join("\n", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
