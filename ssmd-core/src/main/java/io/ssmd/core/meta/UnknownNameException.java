package io.ssmd.core.meta;

import io.ssmd.core.config.ClosestKey;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A name that the registry does not hold: the message says what was asked for, the closest known name ("Did you mean
 * 'kalshi'?") and what exists, so the person who typed it can fix it without another command.
 */
public final class UnknownNameException extends RuntimeException {

    private final String kind;
    private final String name;
    private final List<String> known;
    private final Optional<String> closest;

    public UnknownNameException(String kind, String name, Collection<String> known) {
        super(message(kind, name, known));
        this.kind = kind;
        this.name = name;
        this.known = List.copyOf(known);
        this.closest = ClosestKey.to(name, known);
    }

    public String kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    public List<String> known() {
        return known;
    }

    public Optional<String> closest() {
        return closest;
    }

    private static String message(String kind, String name, Collection<String> known) {
        StringBuilder m = new StringBuilder("unknown ")
                .append(kind)
                .append(" '")
                .append(name)
                .append("'.");
        ClosestKey.to(name, known)
                .ifPresent(c -> m.append(" Did you mean '").append(c).append("'?"));
        if (known.isEmpty()) {
            m.append(" No ").append(kind).append(" is registered.");
        } else {
            m.append(" Known: ").append(String.join(", ", known)).append('.');
        }
        return m.toString();
    }
}
