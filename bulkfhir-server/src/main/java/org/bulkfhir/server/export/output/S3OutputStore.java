package org.bulkfhir.server.export.output;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bulkfhir.server.export.ExportFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Export files as objects {@code <prefix><jobId>/<name>} in an S3-compatible bucket. Every file
 * is a multipart upload, so it only appears under its key when the task completes and the
 * upload is completed; a re-run of the task completes a new upload of the same key, replacing
 * the old object. Memory per open file is one part.
 *
 * <p>Objects are removed one DELETE at a time rather than with a multi-object delete, which
 * needs a Content-MD5 that recent SDKs no longer send and some S3-compatible servers insist on.
 */
public final class S3OutputStore implements OutputStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3OutputStore.class);
    static final String NDJSON = "application/fhir+ndjson";

    private final S3Settings settings;
    private final S3Client s3;
    private final S3Presigner presigner;

    public S3OutputStore(S3Settings settings) {
        this.settings = settings;
        AwsCredentialsProvider credentials = settings.accessKey() != null
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()))
                : DefaultCredentialsProvider.builder().build();
        // A custom endpoint is nearly always MinIO, Ceph, S3Proxy and the like: path-style addressing.
        boolean pathStyle = settings.endpoint() != null;
        var builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(pathStyle)
                // Newer SDKs add CRC checksums to every upload by default; S3-compatible servers vary in
                // what they accept, and the file's CRC-32C is recorded and checked by clients anyway.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        this.s3 = builder.build();
        var presign = S3Presigner.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
        java.net.URI publicEndpoint = settings.publicEndpoint() != null ? settings.publicEndpoint() : settings.endpoint();
        if (publicEndpoint != null) {
            presign.endpointOverride(publicEndpoint);
        }
        this.presigner = presign.build();
    }

    public S3Settings settings() {
        return settings;
    }

    private String key(String jobId, String name) {
        if (!ExportFiles.isSafeName(jobId) || !ExportFiles.isSafeName(name)) {
            throw new IllegalArgumentException("unsafe export file name " + jobId + "/" + name);
        }
        return settings.prefix() + jobId + "/" + name;
    }

    @Override
    public void open() throws IOException {
        try {
            s3.headBucket(b -> b.bucket(settings.bucket()));
        } catch (SdkException e) {
            throw new IOException("S3 bucket " + settings.bucket() + " is not reachable"
                    + (settings.endpoint() == null ? "" : " at " + settings.endpoint()) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public PendingFile create(String jobId, String name, String attempt) {
        return new Upload(key(jobId, name));
    }

    /** One file as a multipart upload, started when its first part is full or it is sealed. */
    private final class Upload extends OutputStream implements PendingFile {
        private final String key;
        private final byte[] part = new byte[settings.partSize()];
        private final List<CompletedPart> parts = new ArrayList<>();
        private int fill;
        private String uploadId;
        private boolean sealed;

        Upload(String key) {
            this.key = key;
        }

        @Override
        public WritableByteChannel channel() {
            return Channels.newChannel(this);
        }

        @Override
        public void write(int b) throws IOException {
            if (fill == part.length) {
                flushPart();
            }
            part[fill++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (fill == part.length) {
                    flushPart();
                }
                int n = Math.min(len, part.length - fill);
                System.arraycopy(b, off, part, fill, n);
                fill += n;
                off += n;
                len -= n;
            }
        }

        private void flushPart() throws IOException {
            try {
                if (uploadId == null) {
                    uploadId = s3.createMultipartUpload(r -> r.bucket(settings.bucket()).key(key).contentType(NDJSON))
                            .uploadId();
                }
                int number = parts.size() + 1;
                int length = fill;
                String etag = s3.uploadPart(r -> r.bucket(settings.bucket()).key(key).uploadId(uploadId)
                                .partNumber(number).contentLength((long) length),
                        RequestBody.fromContentProvider(() -> new ByteArrayInputStream(part, 0, length), length, NDJSON))
                        .eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                fill = 0;
            } catch (SdkException e) {
                throw new IOException("S3 upload of " + key + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            // The writer closes the stream when it seals; the upload stays open until publish or discard.
        }

        @Override
        public void seal() throws IOException {
            if (!sealed) {
                sealed = true;
                if (fill > 0 || parts.isEmpty()) {
                    flushPart();
                }
            }
        }

        @Override
        public void publish() throws IOException {
            seal();
            try {
                s3.completeMultipartUpload(r -> r.bucket(settings.bucket()).key(key).uploadId(uploadId)
                        .multipartUpload(u -> u.parts(parts)));
                uploadId = null;
            } catch (SdkException e) {
                throw new IOException("S3 could not complete the upload of " + key + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void discard() {
            if (uploadId == null) {
                return;
            }
            try {
                String id = uploadId;
                uploadId = null;
                s3.abortMultipartUpload(r -> r.bucket(settings.bucket()).key(key).uploadId(id));
            } catch (SdkException e) {
                LOG.warn("could not abort the S3 upload of {}: {}", key, e.getMessage());
            }
        }
    }

    @Override
    public InputStream read(String jobId, String name, long first, long length) throws IOException {
        String key = key(jobId, name);
        if (length <= 0) {
            return InputStream.nullInputStream();
        }
        try {
            return s3.getObject(r -> r.bucket(settings.bucket()).key(key)
                    .range("bytes=" + first + "-" + (first + length - 1)));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(key);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new NoSuchFileException(key);
            }
            throw new IOException("S3 read of " + key + " failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("S3 read of " + key + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void deleteJob(String jobId) throws IOException {
        String prefix = key(jobId, "x");
        prefix = prefix.substring(0, prefix.length() - 1);
        String jobPrefix = prefix;
        try {
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(settings.bucket()).prefix(jobPrefix)).contents()) {
                s3.deleteObject(r -> r.bucket(settings.bucket()).key(o.key()));
            }
        } catch (SdkException e) {
            throw new IOException("S3 could not remove the files under " + jobPrefix + ": " + e.getMessage(), e);
        }
        abortUploads(jobPrefix);
    }

    /** Uploads a dead node left open: not visible, but they take space until aborted. */
    private void abortUploads(String jobPrefix) {
        try {
            for (MultipartUpload u : s3.listMultipartUploads(r -> r.bucket(settings.bucket()).prefix(jobPrefix)).uploads()) {
                s3.abortMultipartUpload(r -> r.bucket(settings.bucket()).key(u.key()).uploadId(u.uploadId()));
            }
        } catch (SdkException e) {
            // Not every S3-compatible server lists uploads; a bucket lifecycle rule covers the rest.
            LOG.debug("could not list open uploads under {}: {}", jobPrefix, e.getMessage());
        }
    }

    @Override
    public Optional<String> directUrl(String jobId, String name, Instant notAfter) {
        if (!settings.presign()) {
            return Optional.empty();
        }
        Duration left = Duration.between(Instant.now(), notAfter);
        Duration lifetime = left.compareTo(settings.urlLifetime()) < 0 ? left : settings.urlLifetime();
        if (lifetime.compareTo(Duration.ofSeconds(1)) < 0) {
            lifetime = Duration.ofSeconds(1);
        }
        String key = key(jobId, name);
        Duration valid = lifetime;
        return Optional.of(presigner.presignGetObject(p -> p.signatureDuration(valid)
                .getObjectRequest(g -> g.bucket(settings.bucket()).key(key))).url().toString());
    }

    @Override
    public boolean servesDirectly() {
        return settings.presign();
    }

    @Override
    public String describe() {
        return settings.toString();
    }

    @Override
    public void close() {
        presigner.close();
        s3.close();
    }
}
