package io.ssmd.archive;

import java.nio.file.Path;

/** A segment that has just been committed: its date directory and its manifest entry. */
public record CommittedFile(Path dateDir, FileEntry entry) {}
