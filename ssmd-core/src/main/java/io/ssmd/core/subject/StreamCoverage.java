package io.ssmd.core.subject;

import io.ssmd.core.nats.StreamSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Checks that each subject a connector can publish lands in exactly one stream. Zero streams means messages the
 * server would refuse (or, worse, accept into nothing); two means NATS would reject the streams' overlap or the
 * archive would see the message twice.
 */
public final class StreamCoverage {

    private StreamCoverage() {}

    /** Problems found, one sentence each; empty when every pattern is covered exactly once. */
    public static List<String> check(Collection<StreamSpec> streams, Collection<String> publishable) {
        List<String> problems = new ArrayList<>();
        for (String pattern : publishable) {
            List<String> covering = new ArrayList<>();
            List<String> touching = new ArrayList<>();
            for (StreamSpec stream : streams) {
                for (String filter : stream.subjects()) {
                    if (SubjectPattern.covers(filter, pattern)) {
                        covering.add(stream.name());
                    }
                    if (SubjectPattern.overlaps(filter, pattern)) {
                        touching.add(stream.name());
                    }
                }
            }
            List<String> distinct = touching.stream().distinct().toList();
            if (distinct.size() > 1) {
                problems.add("subject " + pattern + " is covered by " + distinct.size() + " streams ("
                        + String.join(", ", distinct) + "); it must be covered by exactly one");
            } else if (covering.isEmpty()) {
                problems.add("subject " + pattern + " is covered by no stream"
                        + (distinct.isEmpty() ? "" : " (only partly by " + distinct.get(0) + ")")
                        + "; add a stream whose subjects include it");
            }
        }
        return problems;
    }
}
