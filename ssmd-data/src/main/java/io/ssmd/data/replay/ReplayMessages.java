package io.ssmd.data.replay;

import io.ssmd.archive.ArchiveReader;
import io.ssmd.archive.ArchiveSelection;
import io.ssmd.archive.ArchivedMessage;
import io.ssmd.archive.FileEntry;
import io.ssmd.core.subject.ParsedSubject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The messages of an archive selection that a filter lets through, pulled one at a time (DESIGN §16): each stream's
 * files in stream order, day after day; a feed archived in several streams is merged by receive time (ties go to the
 * stream listed first). Files whose manifest times lie wholly outside the filter's window are not opened. Close it to
 * release the open files.
 */
public final class ReplayMessages implements AutoCloseable {

    private final ReplayFilter filter;
    /** Bounds the parsed-subject cache (a Polymarket day may hold hundreds of thousands of tokens). */
    private static final int MAX_SUBJECTS = 100_000;

    private final List<StreamCursor> streams = new ArrayList<>();
    private final java.util.Map<String, ParsedSubject> subjects = new java.util.HashMap<>();

    private ReplayMessages(ArchiveSelection selection, ReplayFilter filter) {
        this.filter = filter;
        for (ArchiveSelection.StreamDays stream : selection.streams()) {
            List<Path> files = new ArrayList<>();
            for (ArchiveSelection.Day day : stream.days()) {
                for (Path file : day.files()) {
                    if (within(day, file)) {
                        files.add(file);
                    }
                }
            }
            streams.add(new StreamCursor(files.iterator()));
        }
    }

    /** The messages of {@code selection} that {@code filter} sends or warms up with, in replay order. */
    public static ReplayMessages open(ArchiveSelection selection, ReplayFilter filter) {
        return new ReplayMessages(selection, filter);
    }

    private boolean within(ArchiveSelection.Day day, Path file) {
        String name = file.getFileName().toString();
        for (FileEntry entry : day.manifest().files()) {
            if (entry.name().equals(name)) {
                return filter.overlaps(entry.start(), entry.end());
            }
        }
        return true;
    }

    /**
     * The next message to replay, or null after the last one.
     *
     * @throws IOException when a file cannot be read (the file and line named)
     */
    public ReplayMessage next() throws IOException {
        while (true) {
            StreamCursor earliest = null;
            for (StreamCursor stream : streams) {
                ArchivedMessage head = stream.head();
                if (head != null
                        && (earliest == null || head.ts() < earliest.head().ts())) {
                    earliest = stream;
                }
            }
            if (earliest == null) {
                return null;
            }
            ArchivedMessage message = earliest.take();
            ParsedSubject subject = parsed(message.subject());
            switch (filter.verdict(subject, message.ts())) {
                case SEND -> {
                    return new ReplayMessage(message, subject, false);
                }
                case WARM_UP -> {
                    return new ReplayMessage(message, subject, true);
                }
                case SKIP -> {}
            }
        }
    }

    /** A day holds few distinct subjects (one per instrument and type): each is parsed once. */
    private ParsedSubject parsed(String subject) {
        ParsedSubject parsed = subjects.get(subject);
        if (parsed == null) {
            if (subjects.size() >= MAX_SUBJECTS) {
                subjects.clear();
            }
            parsed = ParsedSubject.parse(subject);
            subjects.put(subject, parsed);
        }
        return parsed;
    }

    /** The rest as an iterator (for a stream source); read errors surface as {@link UncheckedIOException}. */
    public Iterator<ReplayMessage> iterator() {
        return new Iterator<>() {
            private ReplayMessage next = read();

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public ReplayMessage next() {
                if (next == null) {
                    throw new java.util.NoSuchElementException();
                }
                ReplayMessage current = next;
                next = read();
                return current;
            }

            private ReplayMessage read() {
                try {
                    return ReplayMessages.this.next();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (StreamCursor stream : streams) {
            try {
                stream.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** One stream's files, read one after another, with the next message looked at ahead. */
    private static final class StreamCursor {
        private final Iterator<Path> files;
        private ArchiveReader.Cursor cursor;
        private ArchivedMessage head;

        StreamCursor(Iterator<Path> files) {
            this.files = files;
        }

        ArchivedMessage head() throws IOException {
            while (head == null) {
                if (cursor != null) {
                    head = cursor.next();
                    if (head != null) {
                        break;
                    }
                    cursor.close();
                    cursor = null;
                }
                if (!files.hasNext()) {
                    return null;
                }
                cursor = ArchiveReader.open(files.next());
            }
            return head;
        }

        ArchivedMessage take() {
            ArchivedMessage taken = head;
            head = null;
            return taken;
        }

        void close() throws IOException {
            if (cursor != null) {
                cursor.close();
                cursor = null;
            }
        }
    }
}
