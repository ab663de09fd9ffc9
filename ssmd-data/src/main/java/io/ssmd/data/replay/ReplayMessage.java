package io.ssmd.data.replay;

import io.ssmd.archive.ArchivedMessage;
import io.ssmd.core.subject.ParsedSubject;

/**
 * One archived message on its way to a replay target.
 *
 * @param message the message as the archive holds it
 * @param subject its subject, read
 * @param warmUp  true when it lies before the replay's window and only builds state ({@link ReplayFilter#warmUp()})
 */
public record ReplayMessage(ArchivedMessage message, ParsedSubject subject, boolean warmUp) {

    /**
     * Whether it is a venue's own frame: market data, system and unparsed frames. ssmd's own messages (control
     * events, {@code ssmd.book} snapshots) are not, and never go to a venue-protocol target (DESIGN §16).
     */
    public boolean venueFrame() {
        return switch (subject.kind()) {
            case MARKET_DATA, SYSTEM, UNPARSED -> true;
            case CONTROL, BOOK, OTHER -> false;
        };
    }

    /**
     * The shard that received it: the first part of its {@code Nats-Msg-Id} ({@code {shard}:{epoch}:{frame}:{element}},
     * DESIGN §5), else the shard token of a system, unparsed or control subject; empty when neither says.
     */
    public String shard() {
        String id = message.id();
        int colon = id == null ? -1 : id.indexOf(':');
        if (colon > 0 && !id.startsWith("control:")) {
            return id.substring(0, colon);
        }
        return switch (subject.kind()) {
            case SYSTEM, UNPARSED, CONTROL -> subject.token();
            default -> "";
        };
    }
}
