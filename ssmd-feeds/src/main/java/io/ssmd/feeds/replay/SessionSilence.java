package io.ssmd.feeds.replay;

import java.util.HashMap;
import java.util.Map;

/**
 * One session's view of the silence fault ({@link Faults#silence}): when it subscribed each instrument's channel, so
 * that a silence set after that subscription holds its data back and a fresh subscribe serves it again. Used by a venue
 * session from its single-threaded driver.
 */
public final class SessionSilence {

    private final Faults faults;
    private final Map<String, Long> subscribedAt = new HashMap<>();

    public SessionSilence(Faults faults) {
        this.faults = faults;
    }

    /** The client (re)subscribed {@code instrument} on {@code channel}: a silence set before now no longer applies. */
    public void subscribed(String channel, String instrument) {
        subscribedAt.put(channel + '\n' + instrument, faults.silenceMark());
    }

    /** Whether any instrument is silenced at all: when not, a session need not ask per instrument. */
    public boolean active() {
        return !faults.silencesNone();
    }

    /** Whether market data of {@code instrument} on {@code channel} is held back in this session. */
    public boolean silent(String channel, String instrument) {
        if (faults.silencesNone()) {
            return false;
        }
        Long at = subscribedAt.get(channel + '\n' + instrument);
        return faults.silences(instrument, at == null ? Long.MIN_VALUE : at);
    }
}
