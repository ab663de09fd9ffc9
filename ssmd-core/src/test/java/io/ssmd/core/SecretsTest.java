package io.ssmd.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void hidesThePasswordOfAUrlButKeepsTheUserAndTheServer() {
        assertThat(Secrets.redactUrl("nats://ssmd:hunter2@nats.internal:4222"))
                .isEqualTo("nats://ssmd:***@nats.internal:4222");
        assertThat(Secrets.redactUrl("tls://ssmd:p%40ss@10.0.0.1:4222/")).isEqualTo("tls://ssmd:***@10.0.0.1:4222/");
    }

    @Test
    void hidesAUserinfoWithoutAColonWhichNatsReadsAsAToken() {
        assertThat(Secrets.redactUrl("nats://s3cr3tT0ken@nats.internal:4222"))
                .isEqualTo("nats://***@nats.internal:4222");
    }

    @Test
    void aPasswordContainingAnAtSignIsHiddenWhole() {
        assertThat(Secrets.redactUrl("nats://ssmd:a@b@host:4222")).isEqualTo("nats://ssmd:***@host:4222");
    }

    @Test
    void hidesEveryUrlOfAServerListAndOfAMessage() {
        assertThat(Secrets.redactUrl("nats://a:pw1@h1:4222,nats://b:pw2@h2:4222"))
                .isEqualTo("nats://a:***@h1:4222,nats://b:***@h2:4222");
        assertThat(Secrets.redactUrl("Unable to connect to NATS servers: [nats://a:pw1@h1:4222]."))
                .isEqualTo("Unable to connect to NATS servers: [nats://a:***@h1:4222].")
                .doesNotContain("pw1");
    }

    @Test
    void hidesSecretParametersOfJdbcAndQueryStrings() {
        assertThat(Secrets.redactUrl("jdbc:postgresql://db:5432/ssmd?user=ssmd&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/ssmd?user=ssmd&password=***&ssl=true");
        assertThat(Secrets.redactUrl("jdbc:h2:file:/d/db;MODE=PostgreSQL;PASSWORD=s3cret"))
                .isEqualTo("jdbc:h2:file:/d/db;MODE=PostgreSQL;PASSWORD=***");
        assertThat(Secrets.redactUrl("wss://host/ws?token=abc123&x=1")).isEqualTo("wss://host/ws?token=***&x=1");
        assertThat(Secrets.redactUrl("jdbc:postgresql://u:pw@db/ssmd")).isEqualTo("jdbc:postgresql://u:***@db/ssmd");
    }

    @Test
    void leavesUrlsWithoutCredentialsAlone() {
        for (String url : List.of(
                "nats://127.0.0.1:4222",
                "jdbc:postgresql://db:5432/ssmd",
                "jdbc:h2:file:/data/db/ssmd;MODE=PostgreSQL",
                "https://s3.example.com/bucket?prefix=a/b",
                "admin@example.com wrote nats://host:4222")) {
            assertThat(Secrets.redactUrl(url)).isEqualTo(url);
        }
        assertThat(Secrets.redactUrl(null)).isNull();
    }

    @Test
    void redactHidesGivenSecretValuesWhereverTheyAppear() {
        assertThat(Secrets.redact("auth failed for token tok-123 at nats://u:pw@h:1", List.of("tok-123", "")))
                .isEqualTo("auth failed for token *** at nats://u:***@h:1");
    }

    @Test
    void onlyConventionalVariableNamesArePrintable() {
        assertThat(Secrets.isPrintableVariableName("KALSHI_API_KEY_ID")).isTrue();
        assertThat(Secrets.isPrintableVariableName("SSMD_NATS_TOKEN")).isTrue();
        assertThat(Secrets.isPrintableVariableName("AWS_SECRET_ACCESS_KEY")).isTrue();
        // What an operator may paste instead: an AWS key id, a base64 secret, a UUID, a lower-case token.
        assertThat(Secrets.isPrintableVariableName("AKIAIOSFODNN7EXAMPLE")).isFalse();
        assertThat(Secrets.isPrintableVariableName("wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY"))
                .isFalse();
        assertThat(Secrets.isPrintableVariableName("a1b2c3d4-0000-1111-2222-333344445555"))
                .isFalse();
        assertThat(Secrets.isPrintableVariableName("s3cret_token")).isFalse();
        assertThat(Secrets.variable("AKIAIOSFODNN7EXAMPLE", "access-key-id-env"))
                .doesNotContain("AKIA")
                .contains("access-key-id-env");
        assertThat(Secrets.variable("AWS_ACCESS_KEY_ID", "access-key-id-env")).isEqualTo("AWS_ACCESS_KEY_ID");
    }
}
