package io.ssmd.archive;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of a stream directory: an exclusive lock on {@code {streamDir}/.archiver.lock}, held by a
 * {@link StreamArchiver} from its first attempt until it has stopped (its open segment committed or dropped).
 *
 * <p>An archiver singleton that moves to another node starts there as soon as the old one has terminated, or, when
 * the old node's hand-over outlasts its coordinated shutdown, as soon as the old node has left the cluster: its stream
 * may still be committing then. On an archive root the nodes share, the new one would delete the old one's
 * {@code .tmp} while it is written ("cannot write …tmp"), read back a file whose manifest was not rewritten yet, and
 * write the same window's file beside it. With the lock the new one waits (up to {@code lock-wait} per attempt, then
 * the attempt fails as a storage failure and is retried) until the old one has committed. A process that dies releases
 * its locks with it. The lock file says who holds it: the process id and host, for the log line of whoever waits.
 */
final class StreamLock {

    private static final Logger log = LoggerFactory.getLogger(StreamLock.class);

    /** The lock file's name in a stream directory. */
    static final String FILE = ".archiver.lock";

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Path file;
    private FileChannel channel;
    private FileLock lock;

    StreamLock(Path streamDir) {
        this.file = streamDir.resolve(FILE);
    }

    /** Whether this archiver holds the lock. */
    synchronized boolean held() {
        return lock != null && lock.isValid();
    }

    /**
     * Takes the lock, waiting up to {@code wait} while another archiver (another process, or another archiver of this
     * one) holds it; returns at once if this archiver already does.
     *
     * @param stopped whether this archiver is stopping: it gives up waiting then
     * @throws IOException naming the lock file and its holder when the wait ends without the lock
     */
    synchronized void acquire(Duration wait, BooleanSupplier stopped) throws IOException {
        if (held()) {
            return;
        }
        Files.createDirectories(file.getParent());
        FileChannel opened = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        long deadline = System.nanoTime() + wait.toNanos();
        long waitingSince = System.nanoTime();
        boolean told = false;
        try {
            while (true) {
                FileLock taken = tryLock(opened);
                if (taken != null) {
                    channel = opened;
                    lock = taken;
                    String me = holder();
                    opened.truncate(0);
                    opened.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
                    if (told) {
                        log.info(
                                "{} is free after {} ms: this archiver writes it now",
                                file.getParent(),
                                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - waitingSince));
                    }
                    return;
                }
                if (!told) {
                    log.info(
                            "{} is still written by another archiver ({}): waiting up to {} for it to commit",
                            file.getParent(),
                            readHolder(),
                            wait);
                    told = true;
                }
                if (stopped.getAsBoolean() || System.nanoTime() >= deadline) {
                    throw new IOException(file + " is held by another archiver (" + readHolder() + ") after waiting "
                            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - waitingSince)
                            + " ms: two archivers must never write one stream directory");
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        } catch (IOException | RuntimeException e) {
            if (channel != opened) {
                opened.close();
            }
            throw e;
        }
    }

    /** Lets the next archiver write the directory. */
    synchronized void release() {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("releasing {}: {}", file, e.toString());
        }
        channel = null;
        lock = null;
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // Another archiver of this process holds it (a test's, or a stopping one this node still runs).
            return null;
        }
    }

    private String readHolder() {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "holder unknown" : text;
        } catch (IOException e) {
            return "holder unknown";
        }
    }

    /** {@code pid@host}, as the JVM names itself. */
    private static String holder() {
        return "process " + ManagementFactory.getRuntimeMXBean().getName();
    }
}
