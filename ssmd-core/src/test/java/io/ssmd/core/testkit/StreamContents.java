package io.ssmd.core.testkit;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Reads what a JetStream stream holds, message by message, so tests can check exactly what was stored. */
public final class StreamContents {

    private StreamContents() {}

    /** Every message of {@code stream} from its first to its last sequence, in stream order. */
    public static List<MessageInfo> readAll(Connection connection, String stream) {
        try {
            JetStreamManagement jsm = connection.jetStreamManagement();
            StreamInfo info = jsm.getStreamInfo(stream);
            long first = info.getStreamState().getFirstSequence();
            long last = info.getStreamState().getLastSequence();
            List<MessageInfo> messages = new ArrayList<>();
            for (long seq = Math.max(1, first); seq <= last; seq++) {
                messages.add(jsm.getMessage(stream, seq));
            }
            return messages;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("cannot read stream " + stream + ": " + e.getMessage(), e);
        }
    }

    /** How many messages {@code stream} holds. */
    public static long count(Connection connection, String stream) {
        try {
            return connection
                    .jetStreamManagement()
                    .getStreamInfo(stream)
                    .getStreamState()
                    .getMsgCount();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("cannot read stream " + stream + ": " + e.getMessage(), e);
        }
    }
}
