package io.ssmd.app;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The person at the command line: who they are, which git commit their files come from, and their consent. */
final class Operator {

    private Operator() {}

    /** The OS user name, as recorded in {@code deployed_by} and {@code triggered_by}. */
    static String who() {
        String user = System.getProperty("user.name");
        return user == null || user.isBlank() ? "unknown" : user;
    }

    /** {@code git rev-parse HEAD} in the file's directory, when that is inside a git checkout. */
    static Optional<String> gitCommit(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null) {
            return Optional.empty();
        }
        try {
            Process git = new ProcessBuilder("git", "-C", dir.toString(), "rev-parse", "HEAD")
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!git.waitFor(10, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return Optional.empty();
            }
            return git.exitValue() == 0 && out.matches("[0-9a-f]{40,64}") ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // no git installed: nothing to record
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Asks {@code Proceed? [y/N]} on the terminal, unless {@code yes}. With no terminal and no {@code yes} it refuses,
     * saying so on {@code err}: a script must say {@code --yes} on purpose.
     */
    static boolean confirm(boolean yes, PrintWriter err) {
        if (yes) {
            return true;
        }
        Console console = System.console();
        if (console == null) {
            err.println("no terminal to ask for confirmation: pass --yes to proceed without asking");
            return false;
        }
        String answer = console.readLine("Proceed? [y/N] ");
        boolean ok = answer != null && answer.strip().toLowerCase(Locale.ROOT).matches("y|yes");
        if (!ok) {
            err.println("not confirmed: nothing was changed");
        }
        return ok;
    }
}
