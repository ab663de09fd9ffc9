package io.ssmd.app;

import io.nats.client.NKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;

/**
 * A NATS operator with one account (JetStream enabled), a system account and one user, as {@code nsc} would make
 * them: the server's config part and the user's {@code .creds} file. The JWTs are signed here with fresh NKeys, so
 * the test needs no {@code nsc}.
 */
final class OperatorModeCredentials {

    private static final String HEADER = "{\"typ\":\"JWT\",\"alg\":\"ed25519-nkey\"}";
    private static final String UNLIMITED = "\"subs\":-1,\"data\":-1,\"payload\":-1,\"imports\":-1,\"exports\":-1,"
            + "\"wildcards\":true,\"conn\":-1,\"leaf\":-1";

    /** The server config lines (operator, system account, resolver with both accounts). */
    final String serverConfig;
    /** The user's seed, the secret inside the creds file. */
    final String userSeed;

    private final String userJwt;

    OperatorModeCredentials() {
        try {
            SecureRandom random = new SecureRandom();
            NKey operator = NKey.createOperator(random);
            NKey account = NKey.createAccount(random);
            NKey system = NKey.createAccount(random);
            NKey user = NKey.createUser(random);
            String accountJwt = jwt(
                    operator,
                    account,
                    "{\"type\":\"account\",\"version\":2,\"limits\":{" + UNLIMITED
                            + ",\"mem_storage\":-1,\"disk_storage\":-1,\"streams\":-1,\"consumer\":-1}}");
            String systemJwt =
                    jwt(operator, system, "{\"type\":\"account\",\"version\":2,\"limits\":{" + UNLIMITED + "}}");
            serverConfig = "operator: " + jwt(operator, operator, "{\"type\":\"operator\",\"version\":2}")
                    + "\nsystem_account: " + publicKey(system)
                    + "\nresolver: MEMORY\nresolver_preload: {\n  " + publicKey(account) + ": " + accountJwt + "\n  "
                    + publicKey(system) + ": " + systemJwt + "\n}";
            userJwt = jwt(
                    account,
                    user,
                    "{\"type\":\"user\",\"version\":2,\"pub\":{},\"sub\":{},\"subs\":-1,\"data\":-1,\"payload\":-1}");
            userSeed = new String(user.getSeed());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the user's creds file in the format nsc writes. */
    Path writeCreds(Path file) throws IOException {
        return Files.writeString(
                file,
                "-----BEGIN NATS USER JWT-----\n" + userJwt + "\n------END NATS USER JWT------\n\n"
                        + "-----BEGIN USER NKEY SEED-----\n" + userSeed + "\n------END USER NKEY SEED------\n");
    }

    private static String jwt(NKey issuer, NKey subject, String natsClaims)
            throws GeneralSecurityException, IOException {
        String body = "{\"jti\":\""
                + UUID.randomUUID().toString().replace("-", "").toUpperCase() + "\",\"iat\":"
                + System.currentTimeMillis() / 1000 + ",\"iss\":\"" + publicKey(issuer) + "\",\"name\":\"ssmd-test\","
                + "\"sub\":\"" + publicKey(subject) + "\",\"nats\":" + natsClaims + "}";
        String signed =
                base64(HEADER.getBytes(StandardCharsets.UTF_8)) + "." + base64(body.getBytes(StandardCharsets.UTF_8));
        return signed + "." + base64(issuer.sign(signed.getBytes(StandardCharsets.UTF_8)));
    }

    private static String publicKey(NKey key) throws GeneralSecurityException, IOException {
        return new String(key.getPublicKey());
    }

    private static String base64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
