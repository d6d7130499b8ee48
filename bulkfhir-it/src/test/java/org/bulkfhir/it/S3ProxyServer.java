package org.bulkfhir.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * S3Proxy on a loopback port with a filesystem back end, in a JVM of its own: it brings its own
 * web server, which must not meet ours on one classpath. Also a plain SDK client to look into the
 * bucket the way an operator would.
 */
final class S3ProxyServer implements AutoCloseable {
    static final String ACCESS_KEY = "bulkfhir-test";
    static final String SECRET_KEY = "bulkfhir-test-secret";

    final URI endpoint;
    final S3Client client;
    private final ChildProcess process;

    S3ProxyServer(Path dir) throws Exception {
        int port = freePort();
        this.endpoint = URI.create("http://127.0.0.1:" + port);
        Path blobs = Files.createDirectories(dir.resolve("blobs"));
        Path properties = dir.resolve("s3proxy.properties");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=" + endpoint,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + blobs.toAbsolutePath(),
                ""));
        String jar = System.getProperty("s3proxy.jar", "target/s3proxy/s3proxy.jar");
        List<String> cmd = new ArrayList<>(List.of(ChildProcess.java(), "-Xmx256m", "-XX:+UseSerialGC", "-jar", jar,
                "--properties", properties.toAbsolutePath().toString()));
        this.process = new ChildProcess("s3proxy", cmd, Map.of());
        Awaitility.await("S3Proxy on " + endpoint).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!process.process.isAlive()) {
                        throw new IllegalStateException("S3Proxy exited; see target/it-logs/s3proxy.log");
                    }
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
        this.client = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.US_EAST_1)
                .endpointOverride(endpoint).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    void createBucket(String bucket) {
        client.createBucket(b -> b.bucket(bucket));
    }

    List<String> keys(String bucket, String prefix) {
        List<String> keys = new ArrayList<>();
        for (S3Object o : client.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
            keys.add(o.key());
        }
        return keys;
    }

    /** Credentials as the nodes get them: the usual AWS environment variables. */
    Map<String, String> env() {
        return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    }

    @Override
    public void close() throws Exception {
        client.close();
        process.close();
    }
}
