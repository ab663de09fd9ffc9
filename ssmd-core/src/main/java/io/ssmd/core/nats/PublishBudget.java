package io.ssmd.core.nats;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Messages in flight shared by every publisher of a node ({@code ssmd.connectors.publish-budget}), on top of each
 * publisher's own window. Many shards on one node each keeping a full window of 1,024 messages alive for the better
 * part of a second kept them past young collections (docs/benchmarks.md, "A node-wide publish budget"): the budget
 * bounds the node's total while one busy shard can still fill its whole window.
 *
 * <p>A publisher holds up to {@link #floor()} messages without asking the budget, so no shard is starved by the
 * others; each message beyond that takes a permit, given back when the message's outcome leaves the publisher (and all
 * of them when the publisher stops). A publisher that finds no permit registers a waker and is woken when permits come
 * back: as many wakers as there are permits free, in the order they came, so a returned permit wakes one publisher, not
 * all of them. A woken publisher that finds the permit taken by another registers again; a permit never stays free
 * while a waker waits. Thread-safe.
 */
public final class PublishBudget {

    /** {@code ssmd.connectors.publish-budget}'s default. */
    public static final int DEFAULT_MESSAGES = 4096;

    /** What each publisher holds without the budget. */
    public static final int DEFAULT_FLOOR = 64;

    /** No node-wide bound: every publisher is bounded by its own window only. */
    public static final PublishBudget NONE = new PublishBudget(0, Integer.MAX_VALUE);

    private final int messages;
    private final int floor;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int available;

    private PublishBudget(int messages, int floor) {
        this.messages = messages;
        this.floor = floor;
        this.available = messages;
    }

    /** A budget of {@code messages} permits, each publisher holding {@link #DEFAULT_FLOOR} without; 0 for none. */
    public static PublishBudget of(int messages) {
        return of(messages, DEFAULT_FLOOR);
    }

    /** A budget of {@code messages} permits, each publisher holding {@code floor} messages without; 0 for none. */
    public static PublishBudget of(int messages, int floor) {
        if (messages < 0 || floor < 1) {
            throw new IllegalArgumentException(
                    "a publish budget needs 0 (none) or more messages and a floor of at least 1: " + messages + ", "
                            + floor);
        }
        return messages == 0 ? NONE : new PublishBudget(messages, floor);
    }

    /** Whether this budget bounds anything. */
    public boolean limited() {
        return this != NONE;
    }

    /** The node's permits, 0 for no budget. */
    public int messages() {
        return messages;
    }

    /** Messages a publisher holds without a permit. */
    public int floor() {
        return floor;
    }

    /** Permits free now. */
    public synchronized int available() {
        return available;
    }

    /** Publishers waiting for a permit now. */
    public synchronized int waiting() {
        return waiting.size();
    }

    /**
     * Takes a permit if one is free; if not, {@code waker} is registered (once) and run when permits come back. The
     * waker must not take the permit itself (it runs on the thread that returned permits): it asks the publisher to
     * call this again from its own thread.
     */
    public boolean takeOrWait(Runnable waker) {
        if (!limited()) {
            return true;
        }
        synchronized (this) {
            if (available > 0) {
                available--;
                return true;
            }
            if (!waiting.contains(waker)) {
                waiting.addLast(waker);
            }
            return false;
        }
    }

    /** Gives {@code permits} back and wakes as many waiting publishers as permits are free. */
    public void release(int permits) {
        if (!limited() || permits == 0) {
            return;
        }
        if (permits < 0) {
            throw new IllegalArgumentException("cannot release " + permits + " permits");
        }
        List<Runnable> woken;
        synchronized (this) {
            available += permits;
            if (available > messages) {
                throw new IllegalStateException("publish budget over-released: " + available + " free of " + messages);
            }
            woken = wakersToRun();
        }
        woken.forEach(Runnable::run);
    }

    /**
     * {@code waker} waits no longer (its publisher stopped, or holds room without the budget). Should a wake-up meant
     * for it have been under way, the free permits wake the next ones: a wake-up is never lost to a publisher that no
     * longer wants it.
     */
    public void leave(Runnable waker) {
        if (!limited()) {
            return;
        }
        List<Runnable> woken;
        synchronized (this) {
            waiting.remove(waker);
            woken = wakersToRun();
        }
        woken.forEach(Runnable::run);
    }

    private List<Runnable> wakersToRun() {
        int n = Math.min(available, waiting.size());
        if (n == 0) {
            return List.of();
        }
        List<Runnable> woken = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            woken.add(waiting.pollFirst());
        }
        return woken;
    }

    @Override
    public String toString() {
        return limited() ? "PublishBudget[" + messages + " messages, floor " + floor + "]" : "PublishBudget[none]";
    }
}
