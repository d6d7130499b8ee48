package org.bulkfhir.server.export;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bulkfhir.server.export.output.OutputStore;
import org.bulkfhir.server.export.output.PendingFile;
import org.bulkfhir.store.export.FileRow;

/**
 * Writes one task's NDJSON files: a file holds one kind and one resource type and is split at
 * the configured size. Lines go to files of the {@link OutputStore} that stay invisible until
 * {@link #publish}; their names depend only on the task and the content order, so a task that is
 * run again after a crash overwrites its earlier files instead of adding new ones.
 */
public final class NdjsonFileWriter implements Closeable {
    private static final byte NEWLINE = '\n';

    private final OutputStore output;
    private final String jobId;
    private final int taskSeq;
    private final String attempt;
    private final long splitBytes;
    private final List<Sealed> sealed = new ArrayList<>();
    private Open current;

    /** A finished file waiting to be published. */
    private record Sealed(PendingFile pending, FileRow row) {
    }

    private final class Open {
        final String kind;
        final String type;
        final int part;
        final PendingFile pending;
        final String name;
        final OutputStream out;
        final MessageDigest sha;
        long count;
        long bytes;

        Open(String kind, String type, int part) throws IOException {
            this.kind = kind;
            this.type = type;
            this.part = part;
            String label = kind.equals("output") ? type : kind;
            this.name = String.format("%05d-%s-%03d.ndjson", taskSeq, label, part);
            this.pending = output.create(jobId, name, attempt);
            this.out = new BufferedOutputStream(pending.out(), 1 << 16);
            try {
                this.sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        void write(byte[] line) throws IOException {
            out.write(line);
            out.write(NEWLINE);
            sha.update(line);
            sha.update(NEWLINE);
            count++;
            bytes += line.length + 1L;
        }

        Sealed seal() throws IOException {
            out.close();
            pending.seal();
            return new Sealed(pending, new FileRow(jobId, name, taskSeq, kind, type, count, bytes,
                    HexFormat.of().formatHex(sha.digest())));
        }
    }

    public NdjsonFileWriter(OutputStore output, String jobId, int taskSeq, String attempt, long splitBytes) {
        this.output = output;
        this.jobId = jobId;
        this.taskSeq = taskSeq;
        this.attempt = attempt;
        this.splitBytes = splitBytes;
    }

    /** Appends one line (a resource's bytes, without newline) to the file of {@code kind}/{@code type}. */
    public void write(String kind, String type, byte[] line) throws IOException {
        if (current != null && (!current.kind.equals(kind) || !current.type.equals(type))) {
            sealed.add(current.seal());
            current = null;
        }
        if (current != null && current.count > 0 && current.bytes + line.length + 1 > splitBytes) {
            int next = current.part + 1;
            sealed.add(current.seal());
            current = new Open(kind, type, next);
        }
        if (current == null) {
            current = new Open(kind, type, nextPart(kind, type));
        }
        current.write(line);
    }

    private int nextPart(String kind, String type) {
        int part = 1;
        for (Sealed s : sealed) {
            if (s.row().kind().equals(kind) && s.row().resType().equals(type)) {
                part++;
            }
        }
        return part;
    }

    /** Seals the open file; returns every file of the task. */
    public List<FileRow> finish() throws IOException {
        if (current != null) {
            sealed.add(current.seal());
            current = null;
        }
        return sealed.stream().map(Sealed::row).toList();
    }

    public long resources() {
        long n = current == null ? 0 : current.count;
        for (Sealed s : sealed) {
            n += s.row().count();
        }
        return n;
    }

    /** Makes the sealed files visible under their final names (replacing an earlier run's). */
    public void publish() throws IOException {
        for (Sealed s : sealed) {
            s.pending().publish();
        }
    }

    /** Drops whatever this run stored and did not publish (after a failure or an abandoned claim). */
    @Override
    public void close() throws IOException {
        if (current != null) {
            // Not flushed: the bytes are thrown away anyway.
            current.pending.discard();
            current = null;
        }
        for (Sealed s : sealed) {
            s.pending().discard();
        }
    }
}
