package io.ssmd.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer, the uploader and the manifest rebuild take turns on one lock per stream directory, whichever store each
 * holds: a rebuild or a read while another store is inside a read-modify-write waits for it (on the old code reads
 * took no lock and each store had its own, so an upload marked between a rebuild's read and write was lost).
 */
class ManifestStoreTest {

    @TempDir
    Path root;

    @Test
    void readsAndTheRebuildWaitForAnUpdateOfTheSameStreamByAnotherStore() throws Exception {
        Path streamDir = ArchiveLayout.streamDir(root, "lab", "kraken", "LAB_KRAKEN");
        Path dateDir = Files.createDirectories(streamDir.resolve("2026-01-01"));
        ManifestIdentity identity = new ManifestIdentity("lab", "kraken", "LAB_KRAKEN", "gzip", "1m");
        ManifestStore uploaderStore = new ManifestStore();
        uploaderStore.write(dateDir, identity.empty(dateDir));

        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Manifest> update = CompletableFuture.supplyAsync(() -> {
            try {
                return uploaderStore.update(dateDir, identity.empty(dateDir), m -> {
                    inside.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return m;
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        inside.await();

        Thread rebuild = start(() -> ManifestRebuild.run(streamDir, identity, new ManifestStore()));
        Thread read = start(() -> ManifestStore.read(dateDir));
        await().atMost(Duration.ofSeconds(10)).until(() -> rebuild.getState() == Thread.State.BLOCKED);
        await().atMost(Duration.ofSeconds(10)).until(() -> read.getState() == Thread.State.BLOCKED);

        release.countDown();
        update.join();
        rebuild.join(10_000);
        read.join(10_000);
        assertThat(rebuild.isAlive()).isFalse();
        assertThat(read.isAlive()).isFalse();
    }

    private interface Work {
        Object run() throws Exception;
    }

    private static Thread start(Work work) {
        Thread thread = new Thread(() -> {
            try {
                work.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        thread.start();
        return thread;
    }
}
