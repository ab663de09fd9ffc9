package io.ssmd.app;

import java.util.function.IntConsumer;
import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM for a command that stops cleanly (flushes, prints its summary) and exits 130 or 143: a
 * shutdown hook cannot tell the two apart, nor let the command finish its own way.
 */
final class Signals {

    private static final String[] NAMES = {"INT", "TERM"};

    private Signals() {}

    /** Calls {@code stop} with the signal's number on SIGINT or SIGTERM (once per signal). */
    static void onStop(IntConsumer stop) {
        for (String name : NAMES) {
            try {
                Signal.handle(new Signal(name), s -> stop.accept(s.getNumber()));
            } catch (IllegalArgumentException e) {
                // A JVM that reserves the signal (-Xrs) keeps its default behaviour.
            }
        }
    }

    /** Gives the signals their default behaviour back. */
    static void clear() {
        for (String name : NAMES) {
            try {
                Signal.handle(new Signal(name), sun.misc.SignalHandler.SIG_DFL);
            } catch (IllegalArgumentException e) {
                // As above.
            }
        }
    }
}
