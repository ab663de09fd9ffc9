package io.ssmd.core.config;

import io.ssmd.core.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves a feed's credentials against the process environment. Messages name variables and files, never values:
 * the key id is not printed even when it is the thing that is wrong, and a variable name that does not look like one
 * (a pasted secret) is not printed either ({@link Secrets#variable}).
 *
 * @param missing     environment variables that must be set for the credentials to exist
 * @param missingFile a private key file written in the config that does not exist
 * @param problems    credentials given but unusable (a key file named by a variable that does not exist)
 * @param credentials the credentials when nothing is missing and there are no problems
 * @param sources     where they came from, for the report
 */
record CredentialCheck(
        List<String> missing,
        Optional<Path> missingFile,
        List<String> problems,
        Optional<KalshiCredentials> credentials,
        String sources) {

    static CredentialCheck of(FeedAuth.KalshiRsaPss auth, Map<String, String> env) {
        List<String> missing = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String keyId = env.get(auth.keyIdEnv());
        if (keyId == null || keyId.isBlank()) {
            missing.add(Secrets.variable(auth.keyIdEnv(), "auth.key-id-env"));
        }
        Optional<Path> keyFile = auth.privateKeyFile();
        String keySource;
        if (auth.privateKeyFileEnv().isPresent()) {
            String variable = auth.privateKeyFileEnv().get();
            String value = env.get(variable);
            String shown = Secrets.variable(variable, "auth.private-key-file-env");
            keySource = "private key file from " + shown;
            if (value == null || value.isBlank()) {
                missing.add(shown);
            } else {
                keyFile = Optional.of(Path.of(value));
                unusable(keyFile.get(), " (named by " + shown + ")").ifPresent(problems::add);
            }
        } else {
            keySource = "private key file " + keyFile.map(Path::toString).orElse("?");
            // A key file written in the config that is absent means "no credentials here", like an unset variable.
            keyFile.filter(Files::exists).flatMap(f -> unusable(f, "")).ifPresent(problems::add);
        }
        Optional<Path> missingFile = auth.privateKeyFile().filter(f -> !Files.exists(f));
        Optional<KalshiCredentials> credentials =
                missing.isEmpty() && missingFile.isEmpty() && problems.isEmpty() && keyFile.isPresent()
                        ? Optional.of(new KalshiCredentials(keyId, keyFile.get()))
                        : Optional.empty();
        return new CredentialCheck(
                List.copyOf(missing),
                missingFile,
                List.copyOf(problems),
                credentials,
                "key id from " + Secrets.variable(auth.keyIdEnv(), "auth.key-id-env") + ", " + keySource);
    }

    /** Whether the credentials are simply not there (as opposed to there but broken). */
    boolean absent() {
        return !missing.isEmpty() || missingFile.isPresent();
    }

    /** What to do to supply them: {@code set KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_FILE}. */
    String remedy() {
        List<String> steps = new ArrayList<>();
        if (!missing.isEmpty()) {
            steps.add("set " + String.join(" and ", missing));
        }
        missingFile.ifPresent(f -> steps.add("create the private key file " + f));
        return String.join(" and ", steps);
    }

    private static Optional<String> unusable(Path file, String origin) {
        if (!Files.exists(file)) {
            return Optional.of("private key file " + file + origin + " does not exist");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            return Optional.of("private key file " + file + origin + " is not a readable file");
        }
        return Optional.empty();
    }
}
