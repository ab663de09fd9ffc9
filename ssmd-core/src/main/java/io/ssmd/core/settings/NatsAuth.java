package io.ssmd.core.settings;

import java.nio.file.Path;

/**
 * How a node authenticates to an external NATS server without putting a secret in the URL (DESIGN §3). Secrets come
 * from an environment variable or a file named in {@code ssmd.nats.auth}; {@link #toString()} says where they came
 * from, never what they are.
 */
public sealed interface NatsAuth {

    /** Where the credentials came from, for log lines and messages. */
    String source();

    /** No credentials (or credentials in the URL, which every log line redacts). */
    enum None implements NatsAuth {
        INSTANCE;

        @Override
        public String source() {
            return "none";
        }
    }

    /** A token ({@code authorization { token: ... }} on the server). */
    record Token(char[] token, String source) implements NatsAuth {
        @Override
        public String toString() {
            return "Token[from " + source + "]";
        }
    }

    /** A user name and its password. */
    record UserPassword(String user, char[] password, String source) implements NatsAuth {
        @Override
        public String toString() {
            return "UserPassword[user=" + user + ", password from " + source + "]";
        }
    }

    /** An NKey seed ({@code SU...}); the server knows the user by its public key. */
    record NKeySeed(char[] seed, String source) implements NatsAuth {
        @Override
        public String toString() {
            return "NKeySeed[from " + source + "]";
        }
    }

    /** A {@code .creds} file (a user JWT and its NKey seed), as {@code nsc} writes it; read at each connect. */
    record CredsFile(Path file) implements NatsAuth {
        @Override
        public String source() {
            return "creds file " + file;
        }
    }
}
