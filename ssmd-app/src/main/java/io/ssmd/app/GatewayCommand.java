package io.ssmd.app;

import io.ssmd.http.gateway.ApiKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ssmd gateway ...}: gateway helpers. */
@Command(
        name = "gateway",
        description = "Gateway helpers.",
        subcommands = {GatewayCommand.HashKey.class})
final class GatewayCommand {

    @Command(
            name = "hash-key",
            description = "Read an API key from stdin (one line) and print its SHA-256 hash, the"
                    + " line to add to the file named by gateway.api-keys-file. The key itself is never stored.")
    static final class HashKey implements Callable<Integer> {

        @Override
        public Integer call() throws IOException {
            return hash(
                    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                    System.out,
                    System.err);
        }

        static int hash(BufferedReader in, PrintStream out, PrintStream err) throws IOException {
            String key = in.readLine();
            if (key == null || key.strip().isEmpty()) {
                err.println("ssmd gateway hash-key: no key on stdin (try: echo -n \"$KEY\" | ssmd gateway hash-key)");
                return 2;
            }
            out.println(ApiKeys.hash(key.strip()));
            return 0;
        }
    }
}
