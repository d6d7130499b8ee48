package org.bulkfhir.server.export.output;

import java.net.URI;
import java.time.Duration;

/**
 * Where and how to reach an S3-compatible bucket.
 *
 * @param bucket the bucket, which must exist
 * @param prefix key prefix of every export file ({@code ""} or ending in {@code /})
 * @param endpoint the S3 API endpoint this node talks to; null for AWS itself
 * @param publicEndpoint the endpoint pre-signed URLs name, when clients reach the store by
 *     another address than the nodes do; null to use {@code endpoint}
 * @param region the signing region (any name for most S3-compatible servers)
 * @param accessKey with {@code secretKey}: static credentials; null for the SDK's default chain
 *     (environment variables {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, profile, IAM role)
 * @param presign true: manifests link pre-signed GET URLs ({@code requiresAccessToken: false});
 *     false: files are streamed through the server's {@code /files} endpoint
 * @param urlLifetime how long a pre-signed URL stays valid (never past the job's expiry)
 * @param partSize multipart upload part size in bytes (S3 needs at least 5 MiB)
 */
public record S3Settings(String bucket, String prefix, URI endpoint, URI publicEndpoint, String region,
                         String accessKey, String secretKey, boolean presign, Duration urlLifetime, int partSize) {
    public static final int MIN_PART_SIZE = 5 * 1024 * 1024;

    public S3Settings {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("an S3 location needs a bucket: s3://BUCKET[/PREFIX]");
        }
        prefix = prefix == null ? "" : prefix.replaceAll("^/+", "");
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        if (region == null || region.isBlank()) {
            // Set explicitly: the SDK's region lookup would otherwise ask an instance metadata service.
            region = "us-east-1";
        }
        if ((accessKey == null) != (secretKey == null)) {
            throw new IllegalArgumentException("give both the S3 access key and the secret key, or neither");
        }
        if (urlLifetime == null || urlLifetime.isNegative() || urlLifetime.isZero() || urlLifetime.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("pre-signed URLs live between 1 second and 7 days");
        }
        if (partSize < MIN_PART_SIZE) {
            throw new IllegalArgumentException("multipart parts are at least " + MIN_PART_SIZE + " bytes");
        }
    }

    public static boolean isS3Url(String location) {
        return location != null && location.startsWith("s3://");
    }

    /** {@code s3://bucket/prefix} with defaults: pre-signed URLs valid for an hour, 8 MiB parts. */
    public static S3Settings of(String s3Url, URI endpoint) {
        if (!isS3Url(s3Url)) {
            throw new IllegalArgumentException("not an s3:// location: " + s3Url);
        }
        String rest = s3Url.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        return new S3Settings(bucket, prefix, endpoint, null, null, null, null, true, Duration.ofHours(1),
                8 * 1024 * 1024);
    }

    public S3Settings withRegion(String r) {
        return new S3Settings(bucket, prefix, endpoint, publicEndpoint, r, accessKey, secretKey, presign, urlLifetime, partSize);
    }

    public S3Settings withPublicEndpoint(URI e) {
        return new S3Settings(bucket, prefix, endpoint, e, region, accessKey, secretKey, presign, urlLifetime, partSize);
    }

    public S3Settings withCredentials(String access, String secret) {
        return new S3Settings(bucket, prefix, endpoint, publicEndpoint, region, access, secret, presign, urlLifetime, partSize);
    }

    public S3Settings withPresign(boolean p) {
        return new S3Settings(bucket, prefix, endpoint, publicEndpoint, region, accessKey, secretKey, p, urlLifetime, partSize);
    }

    public S3Settings withUrlLifetime(Duration d) {
        return new S3Settings(bucket, prefix, endpoint, publicEndpoint, region, accessKey, secretKey, presign, d, partSize);
    }

    public S3Settings withPartSize(int bytes) {
        return new S3Settings(bucket, prefix, endpoint, publicEndpoint, region, accessKey, secretKey, presign, urlLifetime, bytes);
    }

    @Override
    public String toString() {
        // Never print the secret key.
        return "s3://" + bucket + "/" + prefix + (endpoint == null ? "" : " at " + endpoint)
                + (presign ? " (pre-signed URLs, " + urlLifetime + ")" : " (served through the server)");
    }
}
