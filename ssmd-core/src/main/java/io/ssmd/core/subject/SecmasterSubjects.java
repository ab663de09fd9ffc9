package io.ssmd.core.subject;

import io.nats.client.impl.Headers;
import java.util.OptionalLong;

/**
 * The security master's change events on NATS (DESIGN §15, docs/secmaster.md): the contract between the outbox relay
 * that publishes them and every consumer (FeedManagers, tools), kept in one place.
 *
 * <ul>
 *   <li>stream {@code {ENV}_SECMASTER} ({@link Subjects#streamName} of the environment and {@value #TOKEN}), subjects
 *       {@code {env}.secmaster.>}, file storage, a duplicate window;
 *   <li>subject {@code {env}.secmaster.{feed}.{event}.{token}}, the token {@link Subjects#token} of the instrument;
 *   <li>headers {@code Nats-Msg-Id} and {@value #OUTBOX_ID} both the {@code secmaster_outbox} id in decimal;
 *   <li>body the outbox row's payload JSON as written.
 * </ul>
 *
 * Outbox ids on the stream are unique but not always increasing (ids commit out of order): a consumer that starts
 * after a high-water mark skips ids at or below it and does not assume the next id follows.
 */
public final class SecmasterSubjects {

    /** The second subject token, and the stream's name after the environment. */
    public static final String TOKEN = "secmaster";

    /** The header holding the outbox id (so does {@code Nats-Msg-Id}, which the server may consume on republish). */
    public static final String OUTBOX_ID = "Ssmd-Outbox-Id";

    private SecmasterSubjects() {}

    /** {@code {ENV}_SECMASTER}, upper-cased like every stream. */
    public static String streamName(String env) {
        return Subjects.streamName(env, TOKEN);
    }

    /** {@code {env}.secmaster.>}: the stream's subjects. */
    public static String streamSubjects(String env) {
        return env + '.' + TOKEN + ".>";
    }

    /** {@code {env}.secmaster.{feed}.>}: every event of one feed, for a consumer's filter. */
    public static String feedSubjects(String env, String feed) {
        return env + '.' + TOKEN + '.' + feed + ".>";
    }

    /** {@code {env}.secmaster.{feed}.{event}.{token}}. */
    public static String subject(String env, String feed, String event, String instrument) {
        return env + '.' + TOKEN + '.' + feed + '.' + event + '.' + Subjects.token(instrument);
    }

    /**
     * The outbox id a message carries in {@value #OUTBOX_ID}; empty when the header is missing.
     *
     * @throws IllegalArgumentException when the header is there but not a decimal id
     */
    public static OptionalLong outboxId(Headers headers) {
        if (headers == null) {
            return OptionalLong.empty();
        }
        String value = headers.getFirst(OUTBOX_ID);
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(OUTBOX_ID + " header is not an outbox id: '" + value + "'", e);
        }
    }
}
