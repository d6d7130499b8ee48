package org.bulkfhir.server.export.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.bulkfhir.server.auth.AuditLog;
import org.bulkfhir.server.auth.Principal;
import org.bulkfhir.server.export.ExportEngine;
import org.bulkfhir.server.export.ExportFiles;
import org.bulkfhir.server.http.Exchange;
import org.bulkfhir.server.http.HttpError;
import org.bulkfhir.server.http.Router;
import org.bulkfhir.store.export.FileRow;
import org.bulkfhir.store.export.JobRow;
import org.bulkfhir.store.export.JobStatus;

/**
 * {@code GET /files/[job]/[name]}: an export file as {@code application/fhir+ndjson}
 * (S-69…S-77). Files are stored uncompressed, so byte ranges (resume) are served from them
 * directly; a full download is gzip-compressed on the fly at the fastest level when the client
 * accepts gzip, which costs little CPU and halves the transfer. The bytes come from the node's
 * {@link org.bulkfhir.server.export.output.OutputStore}: a directory or, with files served through
 * the server, an S3 bucket (a range is fetched as a range).
 */
public final class FileEndpoint {
    public static final String CONTEXT = "/files";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final ExportEngine engine;
    private final ExportAccess access;
    private final boolean requiresAccessToken;

    /** With {@code requiresAccessToken}, a download needs the token of the job's client (S-71, S-14). */
    public FileEndpoint(ExportEngine engine, ExportAccess access, boolean requiresAccessToken) {
        this.engine = engine;
        this.access = access;
        this.requiresAccessToken = requiresAccessToken;
    }

    public void register(Router files) {
        files.add("GET", "/([A-Za-z0-9\\-]{1,64})/([A-Za-z0-9._\\-]{1,128})", this::download);
    }

    private void download(Exchange ex, Matcher m) throws IOException {
        String jobId = m.group(1);
        String name = m.group(2);
        if (!ExportFiles.isSafeName(name)) {
            throw HttpError.notFound("No such export file");
        }
        Principal principal = requiresAccessToken ? access.authenticate(ex) : null;
        checkAccept(ex.header("Accept"));
        JobRow job = engine.job(jobId).orElseThrow(() -> HttpError.notFound("No such export file"));
        if (principal != null) {
            access.checkOwner(job, principal);
            AuditLog.fileDownload(principal, ex.remoteAddress(), jobId, name, "started");
        }
        if (job.status() == JobStatus.CANCELLED || job.status() == JobStatus.EXPIRED) {
            throw HttpError.notFound("Export " + jobId + " was " + job.status().code() + "; its files are gone");
        }
        FileRow file = engine.jobs().file(jobId, name).orElseThrow(() -> HttpError.notFound("No such export file"));
        engine.downloads().started(jobId);
        try {
            serve(ex, file);
        } finally {
            engine.downloads().finished(jobId);
        }
    }

    private InputStream open(FileRow file, long first, long length) throws IOException {
        try {
            return engine.output().read(file.jobId(), file.name(), first, length);
        } catch (NoSuchFileException e) {
            throw HttpError.notFound("Export file " + file.name() + " is no longer available");
        }
    }

    private void serve(Exchange ex, FileRow file) throws IOException {
        long size = file.bytes();
        String etag = "\"" + file.contentTag() + "\"";
        ex.setHeader("Accept-Ranges", "bytes");
        ex.setHeader("Vary", "Accept-Encoding");
        String range = ex.header("Range");
        String ifRange = ex.header("If-Range");
        if (range != null && (ifRange == null || ifRange.equals(etag))) {
            ex.setHeader("ETag", etag);
            long[] r = parseRange(range, size);
            if (r == null) {
                throw new HttpError(416, "invalid", "Range " + range + " cannot be satisfied for " + size + " bytes",
                        Map.of("Content-Range", "bytes */" + size));
            }
            ex.setHeader("Content-Range", "bytes " + r[0] + "-" + r[1] + "/" + size);
            try (InputStream in = open(file, r[0], r[1] - r[0] + 1);
                 OutputStream out = ex.stream(206, Exchange.NDJSON, r[1] - r[0] + 1)) {
                copy(in, out, r[1] - r[0] + 1, ex);
            }
            return;
        }
        if (acceptsGzip(ex.header("Accept-Encoding"))) {
            String gzEtag = "\"" + file.contentTag() + "-gzip\"";
            ex.setHeader("ETag", gzEtag);
            if (gzEtag.equals(ex.header("If-None-Match"))) {
                ex.respondStatus(304);
                return;
            }
            try (InputStream in = open(file, 0, size)) {
                ex.setHeader("Content-Encoding", "gzip");
                try (OutputStream raw = ex.stream(200, Exchange.NDJSON, -1)) {
                    if (ex.method().equals("HEAD")) {
                        return;
                    }
                    GZIPOutputStream gz = new GZIPOutputStream(raw, 1 << 16) {
                        {
                            def.setLevel(Deflater.BEST_SPEED);
                        }
                    };
                    copy(in, gz, size, ex);
                    gz.finish();
                }
            }
            return;
        }
        ex.setHeader("ETag", etag);
        if (etag.equals(ex.header("If-None-Match"))) {
            ex.respondStatus(304);
            return;
        }
        try (InputStream in = open(file, 0, size); OutputStream out = ex.stream(200, Exchange.NDJSON, size)) {
            copy(in, out, size, ex);
        }
    }

    private static void copy(InputStream in, OutputStream out, long length, Exchange ex) throws IOException {
        if (ex.method().equals("HEAD")) {
            return;
        }
        byte[] buf = new byte[1 << 16];
        long left = length;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("export file shorter than recorded");
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    /** One range {@code bytes=a-b}, {@code a-} or {@code -n}; null when unsatisfiable or malformed. */
    static long[] parseRange(String header, long size) {
        Matcher m = RANGE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return null;
        }
        long first;
        long last;
        try {
            if (m.group(1).isEmpty()) {
                long n = Long.parseLong(m.group(2));
                if (n == 0) {
                    return null;
                }
                first = Math.max(0, size - n);
                last = size - 1;
            } else {
                first = Long.parseLong(m.group(1));
                last = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return first > last || first >= size ? null : new long[] {first, last};
    }

    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.split(",")) {
            String[] p = part.trim().split(";");
            String coding = p[0].trim().toLowerCase();
            if (coding.equals("gzip") || coding.equals("x-gzip")) {
                return !zeroQ(p);
            }
        }
        return false;
    }

    /** 406 unless the client takes NDJSON (or any JSON, or anything) (S-70). */
    static void checkAccept(String accept) {
        if (accept == null || accept.isBlank()) {
            return;
        }
        for (String part : accept.split(",")) {
            String[] p = part.trim().split(";");
            String type = p[0].trim().toLowerCase();
            if (zeroQ(p)) {
                continue;
            }
            if (type.equals("*/*") || type.equals("application/*") || type.equals("application/fhir+ndjson")
                    || type.equals("application/ndjson") || type.equals("application/x-ndjson")
                    || type.equals("application/json") || type.equals("application/fhir+json")) {
                return;
            }
        }
        throw new HttpError(406, "not-supported", "Export files are application/fhir+ndjson; the Accept header '"
                + accept + "' does not allow it");
    }

    private static boolean zeroQ(String[] params) {
        for (int i = 1; i < params.length; i++) {
            String q = params[i].trim();
            if (q.startsWith("q=")) {
                try {
                    return Double.parseDouble(q.substring(2)) == 0;
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return false;
    }
}
