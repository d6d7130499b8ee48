package org.bulkfhir.client.download;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.bulkfhir.client.BulkDataException;
import org.bulkfhir.client.BulkDataException.Kind;
import org.bulkfhir.client.export.ExportListener;
import org.bulkfhir.client.http.Http;
import org.bulkfhir.client.http.Pacing;
import org.bulkfhir.client.manifest.ManifestFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one manifest file to disk and verifies it (C-31…C-34). Bytes stream straight to
 * {@code NAME.part}, which is renamed to {@code NAME} only once its line count (and size,
 * CRC-32C and SHA-256 when the manifest states them) match, so a finished name is always a verified file.
 * An interrupted transfer is continued with {@code Range} from the bytes already on disk.
 */
public final class FileDownloader {
    private static final Logger LOG = LoggerFactory.getLogger(FileDownloader.class);
    private static final int MAX_REFRESHES = 2;
    private static final int MAX_VERIFY_RESTARTS = 2;

    private final Http http;
    private final Pacing pacing;
    private final ExportListener listener;
    private final boolean acceptGzip;

    public FileDownloader(Http http, Pacing pacing, ExportListener listener) {
        this(http, pacing, listener, true);
    }

    /** {@code acceptGzip} false asks for the identity encoding only (a benchmark of the uncompressed path). */
    public FileDownloader(Http http, Pacing pacing, ExportListener listener, boolean acceptGzip) {
        this.http = http;
        this.pacing = pacing;
        this.listener = listener;
        this.acceptGzip = acceptGzip;
    }

    /** Gives a fresh URL for a file whose URL stopped working (C-34); null when none can be had. */
    @FunctionalInterface
    public interface UrlRefresher {
        URI refresh(ManifestFile file) throws IOException, InterruptedException;
    }

    /**
     * What was written: non-blank lines, bytes, CRC-32C (8 hex digits) and, when the manifest
     * states one to compare with, hex SHA-256 of the file on disk (else null).
     */
    public record Result(long lines, long bytes, String crc32c, String sha256) {
    }

    /**
     * Puts a verified file where it belongs. The default renames it; a caller that reworks the
     * content (C-18 local filtering) writes its result to {@code dest} atomically and removes
     * {@code verified} last, so a crash in between leaves the whole verified {@code .part} to
     * start again from.
     */
    @FunctionalInterface
    public interface Placement {
        void place(Path verified, Path dest) throws IOException;
    }

    public static Path partOf(Path dest) {
        return dest.resolveSibling(dest.getFileName() + ".part");
    }

    /**
     * The verified result of a file already in place under its final name, or null when there is
     * none or it does not match the manifest. A resumed run uses it for files finished after the
     * last state save: the state is written at most once a second while files complete, so a
     * kill -9 can leave a finished file the state does not yet record. Only verified files are
     * ever moved to a final name, so checking it again is enough to keep it without a download.
     */
    public static Result adopt(ManifestFile file, Path dest) throws IOException {
        if (!Files.isRegularFile(dest)) {
            return null;
        }
        Result r = verify(dest, file.sha256() != null);
        if (mismatch(file, r) != null) {
            return null;
        }
        Files.deleteIfExists(partOf(dest));
        return r;
    }

    public Result download(ManifestFile file, boolean sendToken, Path dest, UrlRefresher refresher)
            throws IOException, InterruptedException {
        return download(file, sendToken, dest, refresher, FileDownloader::moveIntoPlace);
    }

    /** As {@link #download(ManifestFile, boolean, Path, UrlRefresher)}, the verified file then handed to {@code placement}. */
    public Result download(ManifestFile file, boolean sendToken, Path dest, UrlRefresher refresher, Placement placement)
            throws IOException, InterruptedException {
        Path part = partOf(dest);
        URI url = file.url();
        int failures = 0;
        int refreshes = 0;
        int verifyRestarts = 0;
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            long have = sizeOrZero(part);
            Http.Call call = Http.Call.get(url).withToken(sendToken).timeout(Duration.ofMinutes(2))
                    .header("Accept", "application/fhir+ndjson");
            if (have > 0) {
                // Continue the decoded bytes we have: ask for the identity encoding so the range
                // means the same bytes as our partial file.
                call.header("Range", "bytes=" + have + "-").header("Accept-Encoding", "identity");
            } else {
                call.header("Accept-Encoding", acceptGzip ? "gzip" : "identity");
            }
            Attempt attempt;
            try {
                attempt = transfer(call, part, have, file.sha256() != null);
            } catch (IOException e) {
                if (++failures >= pacing.fileAttempts()) {
                    throw failed(file, "the transfer kept failing (" + e + ")");
                }
                LOG.debug("Transfer of {} broke after some bytes ({}); resuming", Http.safe(url), e.toString());
                pacing.pause(pacing.backoff(failures - 1));
                continue;
            }
            switch (attempt.outcome) {
                case COMPLETE -> {
                    Result result = attempt.whole != null ? attempt.whole : verify(part, file.sha256() != null);
                    String problem = mismatch(file, result);
                    if (problem == null) {
                        placement.place(part, dest);
                        return result;
                    }
                    if (++verifyRestarts > MAX_VERIFY_RESTARTS) {
                        Files.deleteIfExists(part);
                        throw failed(file, problem);
                    }
                    LOG.info("{} did not verify ({}); downloading it again", dest.getFileName(), problem);
                    Files.deleteIfExists(part);
                }
                case RESTART -> Files.deleteIfExists(part);
                case EXPIRED -> {
                    URI fresh = refresher == null || refreshes >= MAX_REFRESHES ? null : refresher.refresh(file);
                    refreshes++;
                    if (fresh == null) {
                        throw failed(file, "the server answered " + attempt.status + "; the file link has"
                                + " expired or is not valid, and no fresh link could be obtained");
                    }
                    LOG.info("The link of {} answered {}; using the fresh link from the re-read manifest",
                            dest.getFileName(), attempt.status);
                    url = fresh;
                }
                case RETRY -> {
                    if (++failures >= pacing.fileAttempts() && attempt.status != 429) {
                        throw failed(file, "the server kept answering HTTP " + attempt.status);
                    }
                    if (failures > 50) {
                        throw failed(file, "the server kept answering HTTP " + attempt.status);
                    }
                    pacing.pause(pacing.delay(attempt.retryAfter, Math.min(failures - 1, 10)));
                }
                case FATAL -> throw new BulkDataException(attempt.status == 401 ? Kind.AUTHORIZATION : Kind.DOWNLOAD_FAILED,
                        "downloading " + Http.safe(url) + " failed: HTTP " + attempt.status
                                + (attempt.status == 401 ? " (the server refused the access token)" : ""));
                default -> throw new IllegalStateException();
            }
        }
    }

    private enum Outcome { COMPLETE, RESTART, EXPIRED, RETRY, FATAL }

    /** {@code whole}: the count of a file written in one transfer from its first byte (else null). */
    private record Attempt(Outcome outcome, int status, String retryAfter, Result whole) {
        Attempt(Outcome outcome, int status, String retryAfter) {
            this(outcome, status, retryAfter, null);
        }
    }

    private Attempt transfer(Http.Call call, Path part, long have, boolean withSha256)
            throws IOException, InterruptedException {
        HttpResponse<InputStream> r = http.send(call, HttpResponse.BodyHandlers.ofInputStream());
        int s = r.statusCode();
        String encoding = r.headers().firstValue("Content-Encoding").orElse("identity").trim().toLowerCase(Locale.ROOT);
        try (InputStream body = r.body()) {
            if (s == 200) {
                InputStream in = decode(body, encoding);
                Tally tally = new Tally(withSha256);
                try {
                    write(in, part, false, tally);
                } catch (IOException e) {
                    if (in instanceof GZIPInputStream && encoding.equals("identity")) {
                        // An unlabelled .gz has no identity form to continue with a Range; start over.
                        Files.deleteIfExists(part);
                    }
                    throw e;
                }
                return new Attempt(Outcome.COMPLETE, s, null, result(tally));
            }
            if (s == 206) {
                long start = rangeStart(r.headers().firstValue("Content-Range").orElse(""));
                if (have == 0 || start != have || !encoding.equals("identity")) {
                    return new Attempt(Outcome.RESTART, s, null);
                }
                write(body, part, true, null);
                return new Attempt(Outcome.COMPLETE, s, null);
            }
            if (s == 416) {
                // Our partial file may already be whole (the connection broke after the last byte).
                String cr = r.headers().firstValue("Content-Range").orElse("");
                return cr.equals("bytes */" + have) ? new Attempt(Outcome.COMPLETE, s, null)
                        : new Attempt(Outcome.RESTART, s, null);
            }
            if (s == 403 || s == 404 || s == 410) {
                return new Attempt(Outcome.EXPIRED, s, null);
            }
            if (s == 408 || s == 429 || s >= 500) {
                return new Attempt(Outcome.RETRY, s, r.headers().firstValue("Retry-After").orElse(null));
            }
            return new Attempt(Outcome.FATAL, s, null);
        }
    }

    private InputStream decode(InputStream body, String encoding) throws IOException {
        if (encoding.equals("gzip") || encoding.equals("x-gzip")) {
            return new GZIPInputStream(body, 1 << 16);
        }
        if (!encoding.equals("identity")) {
            throw new IOException("unsupported Content-Encoding " + encoding);
        }
        // Some blob stores serve stored .ndjson.gz without labelling it; NDJSON never starts with 0x1f 0x8b.
        BufferedInputStream in = new BufferedInputStream(body, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /** Streams {@code in} to {@code part}; {@code tally} (when not null) counts the bytes as they are written. */
    private void write(InputStream in, Path part, boolean append, Tally tally) throws IOException, InterruptedException {
        byte[] buf = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (tally != null) {
                    tally.update(buf, 0, n);
                }
                listener.bytes(n);
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException();
                }
            }
        }
    }

    /**
     * Counting from the file on disk, not the wire: after a resume it is what the user gets, pieced
     * together from several transfers. (A file written whole in one transfer is counted as it is
     * written, which saves reading it back.)
     */
    private static Result verify(Path file, boolean withSha256) throws IOException {
        Tally t = new Tally(withSha256);
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                t.update(buf, 0, n);
            }
        }
        return result(t);
    }

    private static Result result(Tally t) {
        return new Result(t.lines(), t.bytes(), t.crc32cHex(), t.sha256Hex());
    }

    static String mismatch(ManifestFile f, Result r) {
        if (f.count() != null && f.count() != r.lines()) {
            return "the manifest says " + f.count() + " resources, the file has " + r.lines();
        }
        if (f.size() != null && f.size() != r.bytes()) {
            return "the manifest says " + f.size() + " bytes, the file has " + r.bytes();
        }
        if (f.crc32c() != null && !f.crc32c().equals(r.crc32c())) {
            return "the CRC-32C differs from the manifest's";
        }
        if (f.sha256() != null && !f.sha256().equals(r.sha256())) {
            return "the SHA-256 differs from the manifest's";
        }
        return null;
    }

    private static long rangeStart(String contentRange) {
        // "bytes 100-199/200"
        String v = contentRange.trim();
        if (!v.startsWith("bytes ")) {
            return -1;
        }
        int dash = v.indexOf('-');
        try {
            return dash < 0 ? -1 : Long.parseLong(v.substring(6, dash).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The size of {@code file}, 0 when there is none. One call, not "exists, then size": another
     * download may move its {@code .part} into place in between (seen saving the resume state
     * with 2,000 files on 4 connections).
     */
    public static long sizeOrZero(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    public static void moveIntoPlace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static BulkDataException failed(ManifestFile f, String why) {
        return new BulkDataException(Kind.DOWNLOAD_FAILED, "the " + f.section().json + " file "
                + (f.type() == null ? "" : "(" + f.type() + ") ") + Http.safe(f.url()) + " could not be downloaded: " + why);
    }
}
