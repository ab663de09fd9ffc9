package io.ssmd.core.settings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.ssmd.core.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code ssmd.nats.auth}: at most one way to authenticate, each secret from an environment variable
 * ({@code *-env}) or a file ({@code *-file}). Messages name keys, variables and files, never a secret's value.
 */
final class NatsAuthReader {

    private static final String PREFIX = "ssmd.nats.auth.";

    private NatsAuthReader() {}

    static NatsAuth read(Config auth, Map<String, String> env) {
        Optional<String> user = nonEmpty(auth.getString("user"));
        Optional<String> credsFile = nonEmpty(auth.getString("creds-file"));
        List<String> methods = new ArrayList<>();
        if (given(auth, "token")) {
            methods.add("token-env/token-file");
        }
        if (user.isPresent() || given(auth, "password")) {
            methods.add("user with password-env/password-file");
        }
        if (given(auth, "nkey-seed")) {
            methods.add("nkey-seed-env/nkey-seed-file");
        }
        credsFile.ifPresent(f -> methods.add("creds-file"));
        if (methods.size() > 1) {
            throw new ConfigException.BadValue(
                    PREFIX.substring(0, PREFIX.length() - 1),
                    "set one way to authenticate to NATS, not several: " + String.join(", ", methods));
        }
        if (given(auth, "token")) {
            return new NatsAuth.Token(secret(auth, "token", env), source(auth, "token"));
        }
        if (user.isPresent() || given(auth, "password")) {
            if (user.isEmpty()) {
                throw new ConfigException.BadValue(
                        PREFIX + "user", "a NATS password is configured but no user; set user (or SSMD_NATS_USER)");
            }
            if (!given(auth, "password")) {
                throw new ConfigException.BadValue(
                        PREFIX + "password-env",
                        "NATS user " + user.get() + " has no password; name the environment variable holding it in"
                                + " password-env, or its file in password-file");
            }
            return new NatsAuth.UserPassword(user.get(), secret(auth, "password", env), source(auth, "password"));
        }
        if (given(auth, "nkey-seed")) {
            char[] seed = secret(auth, "nkey-seed", env);
            if (seed.length < 2 || seed[0] != 'S' || seed[1] != 'U') {
                throw new ConfigException.BadValue(
                        PREFIX + nkeyKey(auth),
                        "the NKey seed from " + source(auth, "nkey-seed")
                                + " is not a user seed (it must start with SU)");
            }
            return new NatsAuth.NKeySeed(seed, source(auth, "nkey-seed"));
        }
        if (credsFile.isPresent()) {
            Path file = Path.of(credsFile.get()).toAbsolutePath().normalize();
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new ConfigException.BadValue(
                        PREFIX + "creds-file", "the NATS credentials file " + file + " is not a readable file");
            }
            return new NatsAuth.CredsFile(file);
        }
        return NatsAuth.None.INSTANCE;
    }

    private static String nkeyKey(Config auth) {
        return nonEmpty(auth.getString("nkey-seed-env")).isPresent() ? "nkey-seed-env" : "nkey-seed-file";
    }

    /** Whether {@code NAME-env} or {@code NAME-file} is set; both at once is an error. */
    private static boolean given(Config auth, String name) {
        boolean fromEnv = nonEmpty(auth.getString(name + "-env")).isPresent();
        boolean fromFile = nonEmpty(auth.getString(name + "-file")).isPresent();
        if (fromEnv && fromFile) {
            throw new ConfigException.BadValue(
                    PREFIX + name + "-env", "set " + name + "-env or " + name + "-file, not both");
        }
        return fromEnv || fromFile;
    }

    private static String source(Config auth, String name) {
        Optional<String> variable = nonEmpty(auth.getString(name + "-env"));
        return variable.map(v -> "environment variable " + Secrets.variable(v, PREFIX + name + "-env"))
                .orElseGet(
                        () -> "file " + Path.of(auth.getString(name + "-file").trim()));
    }

    /** The secret, trimmed (files end with a newline), from the variable or the file; never empty. */
    private static char[] secret(Config auth, String name, Map<String, String> env) {
        Optional<String> variable = nonEmpty(auth.getString(name + "-env"));
        String value;
        if (variable.isPresent()) {
            if (!Secrets.isPrintableVariableName(variable.get()) && !env.containsKey(variable.get())) {
                throw new ConfigException.BadValue(
                        PREFIX + name + "-env",
                        "expected the name of the environment variable that holds the " + name
                                + " (such as SSMD_NATS_" + name.toUpperCase().replace('-', '_')
                                + "), never the secret itself; the value written there is not shown");
            }
            value = env.get(variable.get());
            if (value == null || value.isBlank()) {
                throw new ConfigException.BadValue(
                        PREFIX + name + "-env",
                        "environment variable " + Secrets.variable(variable.get(), PREFIX + name + "-env")
                                + " is not set");
            }
        } else {
            Path file = Path.of(auth.getString(name + "-file").trim());
            try {
                value = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ConfigException.BadValue(
                        PREFIX + name + "-file", "cannot read the " + name + " file " + file + ": " + e);
            }
            if (value.isBlank()) {
                throw new ConfigException.BadValue(
                        PREFIX + name + "-file", "the " + name + " file " + file + " is empty");
            }
        }
        return value.strip().toCharArray();
    }

    private static Optional<String> nonEmpty(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }
}
