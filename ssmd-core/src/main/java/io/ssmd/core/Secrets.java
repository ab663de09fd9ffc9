package io.ssmd.core;

import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of everything a person or a log collector sees (DESIGN §3): log lines, exception messages, HTTP
 * answers and CLI output. Every URL that may carry credentials goes through {@link #redactUrl} before it is shown.
 */
public final class Secrets {

    /** What a hidden secret is replaced with. */
    public static final String MASK = "***";

    // scheme://userinfo@ — the userinfo ends at the last '@' before the path; a list of URLs is split at commas.
    private static final Pattern USERINFO =
            Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^/\\s,@]*(?:@[^/\\s,@]*)*)@");
    // Query or JDBC parameters that hold secrets: ?password=, &token=, ;password= (H2), sslpassword=...
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)([?&;](?:password|pass|pwd|passwd|sslpassword|token|auth_token|access_token|api_key|apikey|secret"
                    + "|client_secret|nkey|seed|jwt)=)[^&;\\s,]*");
    // An environment variable name as people write them: upper-case words joined by underscores (SSMD_DB_PASSWORD).
    // Secrets (AWS key ids, base64, hex, UUIDs, tokens) do not look like that, so such a name is safe to print.
    private static final Pattern CONVENTIONAL_VARIABLE = Pattern.compile("[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+");

    private Secrets() {}

    /**
     * The text with every URL's credentials hidden: the password of {@code user:password@} (and the whole userinfo
     * when it has no colon, which NATS reads as a token), and the value of secret-bearing query or JDBC parameters.
     * Works on a single URL, a comma-separated list of them, or a message that contains URLs.
     */
    public static String redactUrl(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = USERINFO.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String userinfo = m.group(2);
            int colon = userinfo.indexOf(':');
            String kept = colon < 0 ? MASK : userinfo.substring(0, colon) + ":" + MASK;
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + kept + "@"));
        }
        m.appendTail(out);
        return SECRET_PARAMETER.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK));
    }

    /**
     * The text with URLs redacted and every occurrence of the given secret values hidden: for messages that come from
     * a library (a driver's exception) and might quote a secret it was handed.
     */
    public static String redact(String text, Collection<String> secrets) {
        if (text == null) {
            return null;
        }
        String result = redactUrl(text);
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                result = result.replace(secret, MASK);
            }
        }
        return result;
    }

    /**
     * Whether a value written where the name of an environment variable belongs (a {@code *-env} key) can be shown:
     * only when it looks like a conventional variable name. An operator who pasted the secret itself into the key
     * never sees it echoed.
     */
    public static boolean isPrintableVariableName(String name) {
        return name != null
                && name.length() <= 100
                && CONVENTIONAL_VARIABLE.matcher(name).matches();
    }

    /**
     * How a message names the environment variable written under {@code key}: the name itself when it looks like
     * one, otherwise "the variable named in {@code key}", never the value.
     */
    public static String variable(String name, String key) {
        return isPrintableVariableName(name) ? name : "the environment variable named in " + key + " (value not shown)";
    }
}
