package io.ssmd.app;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A logback appender that a test can read while the node's threads still log: logback's {@code ListAppender} holds
 * a plain {@code ArrayList}, and reading it during a reconnect throws {@code ConcurrentModificationException}.
 */
final class CapturedLogs extends AppenderBase<ILoggingEvent> {

    private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
        events.add(event);
    }

    /** The events logged so far, a copy that later events do not change. */
    List<ILoggingEvent> events() {
        return List.copyOf(events);
    }

    /** The events logged after the first {@code from}. */
    List<ILoggingEvent> eventsFrom(int from) {
        List<ILoggingEvent> all = events();
        return all.subList(Math.min(from, all.size()), all.size());
    }

    int size() {
        return events.size();
    }
}
