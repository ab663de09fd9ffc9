package io.ssmd.core.config;

/**
 * One stream an archiver consumes, whole (DESIGN §6), and the feed whose subjects it carries: files go to
 * {@code {root}/{env}/{feed}/{stream}/}.
 */
public record ArchiveSource(String stream, String feed) {}
