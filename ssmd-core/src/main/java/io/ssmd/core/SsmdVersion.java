package io.ssmd.core;

/**
 * The ssmd version this code was built as: the one definition that the node reports ({@code /health}, the node
 * registry) and that a shard's {@code connected} control event and the archiver's inventory rows carry.
 */
public final class SsmdVersion {

    /** What {@link #current()} says when the classes do not come from a jar that names its version. */
    public static final String DEV = "dev";

    private SsmdVersion() {}

    /**
     * The {@code Implementation-Version} of the jar's manifest (the shaded jar names it, and every package in that jar
     * reports it), or {@code dev} when run from classes or a jar without one.
     */
    public static String current() {
        String v = SsmdVersion.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? DEV : v;
    }
}
