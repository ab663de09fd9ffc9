package io.ssmd.archive;

import io.ssmd.core.config.UploadSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A stream's archive as the bucket holds it, read with the AWS SDK (listing needs it): the manifests a new node restores
 * when its archive root holds none, and what {@code ssmd archive verify --remote} compares with the local manifests.
 * Blocking: call it on the archive IO dispatcher or from the command line.
 */
public final class RemoteArchive implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RemoteArchive.class);

    private final UploadSettings upload;
    private final S3Client client;

    private RemoteArchive(UploadSettings upload) {
        this.upload = upload;
        this.client = S3Target.client(upload);
    }

    /** A client for {@code upload}'s bucket; close it after use. */
    public static RemoteArchive open(UploadSettings upload) {
        return new RemoteArchive(upload);
    }

    /**
     * Whether the bucket answers with these credentials (a HEAD of the bucket).
     *
     * @throws IOException naming the bucket and what was wrong (missing, refused, unreachable), never a credential
     */
    public void checkBucket() throws IOException {
        try {
            client.headBucket(b -> b.bucket(upload.bucket()));
        } catch (NoSuchBucketException e) {
            throw new IOException("bucket " + upload.bucket() + " does not exist", e);
        } catch (S3Exception e) {
            throw new IOException(
                    "bucket " + upload.bucket() + " refused the request (HTTP " + e.statusCode()
                            + (e.statusCode() == 404
                                    ? ": no such bucket"
                                    : e.statusCode() == 403 ? ": access denied" : "")
                            + ")",
                    e);
        } catch (SdkException e) {
            throw new IOException("bucket " + upload.bucket() + " is not reachable: " + e.getMessage(), e);
        }
    }

    /**
     * The objects under a stream directory's key prefix, by key, with their sizes; empty when the bucket does not
     * exist (nothing was ever uploaded).
     */
    Map<String, Long> list(Path archiveRoot, Path streamDir) throws IOException {
        String prefix = upload.key(ArchiveLayout.relative(archiveRoot, streamDir)) + "/";
        Map<String, Long> objects = new TreeMap<>();
        try {
            for (S3Object o : client.listObjectsV2Paginator(ListObjectsV2Request.builder()
                            .bucket(upload.bucket())
                            .prefix(prefix)
                            .build())
                    .contents()) {
                objects.put(o.key(), o.size());
            }
        } catch (NoSuchBucketException e) {
            return Map.of();
        } catch (SdkException e) {
            throw new IOException("cannot list s3://" + upload.bucket() + "/" + prefix + ": " + e.getMessage(), e);
        }
        return objects;
    }

    /** HEAD of one object; empty when it is not there. */
    Optional<RemoteObject> head(String key) throws IOException {
        try {
            return Optional.of(S3Target.remote(
                    client.headObject(b -> b.bucket(upload.bucket()).key(key))));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw new IOException("cannot read s3://" + upload.bucket() + "/" + key + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("cannot read s3://" + upload.bucket() + "/" + key + ": " + e.getMessage(), e);
        }
    }

    /** The object key of a local path under {@code archiveRoot}. */
    String key(Path archiveRoot, Path local) {
        return upload.key(ArchiveLayout.relative(archiveRoot, local));
    }

    /**
     * Restores a stream's manifests from the bucket into {@code streamDir} when it holds none (a new node or a new
     * volume), so the archiver resumes after the highest sequence committed remotely and never writes a window the
     * bucket already has again. The restored entries are all uploaded, so they stay listed though their files are not
     * local. Returns how many manifests were restored.
     */
    int restoreManifests(Path archiveRoot, Path streamDir, ManifestStore store) throws IOException {
        if (hasLocalManifests(streamDir)) {
            return 0;
        }
        int restored = 0;
        for (String key : list(archiveRoot, streamDir).keySet()) {
            if (!key.endsWith("/" + ArchiveLayout.MANIFEST)) {
                continue;
            }
            String date = key.substring(0, key.length() - ArchiveLayout.MANIFEST.length() - 1);
            date = date.substring(date.lastIndexOf('/') + 1);
            if (!ArchiveLayout.isDateDir(date)) {
                continue;
            }
            Manifest manifest;
            try {
                manifest = ManifestStore.JSON.readValue(
                        client.getObjectAsBytes(b -> b.bucket(upload.bucket()).key(key))
                                .asByteArray(),
                        Manifest.class);
            } catch (SdkException e) {
                throw new IOException("cannot read s3://" + upload.bucket() + "/" + key + ": " + e.getMessage(), e);
            }
            Path dateDir = streamDir.resolve(date);
            Files.createDirectories(dateDir);
            store.locked(dateDir, () -> {
                if (ManifestStore.read(dateDir).isEmpty()) {
                    store.write(dateDir, manifest);
                }
                return null;
            });
            restored++;
        }
        if (restored > 0) {
            log.info(
                    "{} holds no manifests: restored {} from s3://{}/{}",
                    streamDir,
                    restored,
                    upload.bucket(),
                    key(archiveRoot, streamDir));
        }
        return restored;
    }

    /** The manifests of a stream in the bucket, by date ({@code YYYY-MM-DD}), oldest first. */
    public java.util.SortedMap<String, Manifest> manifests(Path archiveRoot, Path streamDir) throws IOException {
        java.util.SortedMap<String, Manifest> manifests = new TreeMap<>();
        for (String key : list(archiveRoot, streamDir).keySet()) {
            if (!key.endsWith("/" + ArchiveLayout.MANIFEST)) {
                continue;
            }
            String date = key.substring(0, key.length() - ArchiveLayout.MANIFEST.length() - 1);
            date = date.substring(date.lastIndexOf('/') + 1);
            if (!ArchiveLayout.isDateDir(date)) {
                continue;
            }
            try {
                manifests.put(
                        date,
                        ManifestStore.JSON.readValue(
                                client.getObjectAsBytes(
                                                b -> b.bucket(upload.bucket()).key(key))
                                        .asByteArray(),
                                Manifest.class));
            } catch (SdkException e) {
                throw new IOException("cannot read s3://" + upload.bucket() + "/" + key + ": " + e.getMessage(), e);
            }
        }
        return manifests;
    }

    /**
     * Mirrors the days of {@code feed} (environment {@code env}) from {@code from} to {@code to} out of the bucket into
     * {@code cacheRoot}, in the archive's own layout, so that {@link ArchiveSelection#select} reads them like a local
     * archive (DESIGN §16: S3 objects are fetched to a local cache first). Each manifest is fetched again; a segment
     * file already in the cache with the manifest's size is not. Returns the bytes downloaded.
     *
     * @param archiveRoot the archive root the bucket's keys are relative to ({@code storage.archive-root})
     * @param fetched     told of each file fetched, with its size
     */
    public long mirror(
            Path archiveRoot,
            Path cacheRoot,
            String env,
            String feed,
            java.time.LocalDate from,
            java.time.LocalDate to,
            java.util.function.BiConsumer<Path, Long> fetched)
            throws IOException {
        Path feedDir = archiveRoot.resolve(env).resolve(feed);
        String prefix = key(archiveRoot, feedDir) + "/";
        long downloaded = 0;
        for (String key : list(archiveRoot, feedDir).keySet()) {
            String[] parts = key.substring(prefix.length()).split("/");
            if (parts.length != 3 || !parts[2].equals(ArchiveLayout.MANIFEST) || !ArchiveLayout.isDateDir(parts[1])) {
                continue;
            }
            java.time.LocalDate date = java.time.LocalDate.parse(parts[1]);
            if (date.isBefore(from) || date.isAfter(to)) {
                continue;
            }
            byte[] bytes = get(key);
            Manifest manifest = ManifestStore.JSON.readValue(bytes, Manifest.class);
            Path dateDir =
                    cacheRoot.resolve(env).resolve(feed).resolve(parts[0]).resolve(parts[1]);
            Files.createDirectories(dateDir);
            for (FileEntry entry : manifest.files()) {
                Path file = dateDir.resolve(entry.name());
                if (!entry.uploaded() || (Files.isRegularFile(file) && Files.size(file) == entry.bytes())) {
                    continue;
                }
                String fileKey = prefix + parts[0] + "/" + parts[1] + "/" + entry.name();
                Path part = dateDir.resolve(entry.name() + ArchiveLayout.TMP);
                try {
                    client.getObject(b -> b.bucket(upload.bucket()).key(fileKey), part);
                } catch (SdkException e) {
                    Files.deleteIfExists(part);
                    throw new IOException(
                            "cannot fetch s3://" + upload.bucket() + "/" + fileKey + ": " + e.getMessage(), e);
                }
                Files.move(part, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                downloaded += entry.bytes();
                fetched.accept(file, entry.bytes());
            }
            Files.write(dateDir.resolve(ArchiveLayout.MANIFEST), bytes);
        }
        return downloaded;
    }

    private byte[] get(String key) throws IOException {
        try {
            return client.getObjectAsBytes(b -> b.bucket(upload.bucket()).key(key))
                    .asByteArray();
        } catch (SdkException e) {
            throw new IOException("cannot read s3://" + upload.bucket() + "/" + key + ": " + e.getMessage(), e);
        }
    }

    static boolean hasLocalManifests(Path streamDir) throws IOException {
        for (Path dateDir : ManifestRebuild.dateDirs(streamDir)) {
            if (Files.isRegularFile(dateDir.resolve(ArchiveLayout.MANIFEST))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Compares the bucket with the local manifests of one stream: every file a manifest lists as uploaded is in the
     * bucket with its size and SHA-256, no file is in conflict, and every segment object of the stream is listed by a
     * manifest.
     */
    List<ArchiveVerifier.Problem> verify(
            Path archiveRoot, Path streamDir, List<Path> dateDirs, List<Manifest> manifests) throws IOException {
        List<ArchiveVerifier.Problem> problems = new ArrayList<>();
        Map<String, Long> objects = new TreeMap<>(list(archiveRoot, streamDir));
        for (int i = 0; i < dateDirs.size(); i++) {
            Path dateDir = dateDirs.get(i);
            objects.remove(key(archiveRoot, dateDir.resolve(ArchiveLayout.MANIFEST)));
            for (FileEntry entry : manifests.get(i).files()) {
                Path file = dateDir.resolve(entry.name());
                String key = key(archiveRoot, file);
                Long listed = objects.remove(key);
                if (!entry.uploaded()) {
                    continue;
                }
                if (listed == null) {
                    problems.add(new ArchiveVerifier.Problem(
                            file,
                            "marked uploaded, but s3://" + upload.bucket() + "/" + key + " is not in the bucket"));
                    continue;
                }
                Optional<RemoteObject> head = head(key);
                boolean ok = head.isPresent()
                        && (entry.sha256() != null
                                ? head.get().holds(entry.bytes(), entry.sha256())
                                : head.get().bytes() == entry.bytes()
                                        && head.get().etag().equals(entry.md5()));
                if (!ok) {
                    problems.add(new ArchiveVerifier.Problem(
                            file,
                            "s3://" + upload.bucket() + "/" + key + " differs from the manifest: the bucket has "
                                    + head.map(RemoteObject::toString).orElse("nothing") + ", the manifest says "
                                    + entry.bytes() + " bytes, SHA-256 " + entry.sha256()));
                }
            }
        }
        for (String key : objects.keySet()) {
            String name = key.substring(key.lastIndexOf('/') + 1);
            if (ArchiveLayout.isSegment(name)) {
                problems.add(new ArchiveVerifier.Problem(
                        streamDir, "s3://" + upload.bucket() + "/" + key + " is in the bucket but in no manifest"));
            }
        }
        return problems;
    }

    @Override
    public void close() {
        client.close();
    }
}
