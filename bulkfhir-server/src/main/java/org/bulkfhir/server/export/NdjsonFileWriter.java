package org.bulkfhir.server.export;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.bulkfhir.core.export.Manifest;
import org.bulkfhir.server.export.output.OutputStore;
import org.bulkfhir.server.export.output.PendingFile;
import org.bulkfhir.store.export.FileRow;

/**
 * Writes one task's NDJSON files: a file holds one kind and one resource type and is split at
 * the configured size. Lines go to files of the {@link OutputStore} that stay invisible until
 * {@link #publish}; their names depend only on the task and the content order, so a task that is
 * run again after a crash overwrites its earlier files instead of adding new ones.
 *
 * <p>Organized output ({@code organizeOutputBy}, S-78) is written in blocks: a header line, then
 * the block's resources. A block is held in memory up to {@link #BLOCK_BUFFER} bytes so it can
 * move whole to the next file when it would not fit; a larger block starts a file of its own and
 * is split only when it alone exceeds the file size, each continuation starting with the header
 * again and the earlier file naming the next one ({@code continuesInFile}).
 */
public final class NdjsonFileWriter implements Closeable {
    private static final byte NEWLINE = '\n';
    private static final byte[] NEWLINE_BYTES = {NEWLINE};
    /**
     * Lines are gathered in direct memory, which a file channel writes without another copy. A
     * thread runs one task's writer at a time and a writer fills one file at a time (a file a
     * block continues in is opened before the one it continues is sealed, but written after), so
     * each thread keeps one buffer for all its tasks.
     */
    private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(1 << 18));
    static final long BLOCK_BUFFER = 8L << 20;

    private final OutputStore output;
    private final String jobId;
    private final int taskSeq;
    private final String attempt;
    private final long splitBytes;
    private final boolean sha256;
    private final ByteBuffer buffer = BUFFERS.get();
    private final List<Sealed> sealed = new ArrayList<>();
    private Open current;
    private byte[] blockHeader;
    private List<byte[]> blockLines;
    private long blockBytes;
    private String blockType;

    /** A finished file waiting to be published. */
    private record Sealed(PendingFile pending, FileRow row) {
    }

    private final class Open {
        final String kind;
        final String type;
        final int part;
        final PendingFile pending;
        final String name;
        final WritableByteChannel channel;
        final CRC32C crc = new CRC32C();
        final MessageDigest sha;
        long count;
        long bytes;

        Open(String kind, String type, int part) throws IOException {
            this.kind = kind;
            this.type = type;
            this.part = part;
            this.name = nameFor(kind, type, part);
            this.pending = output.create(jobId, name, attempt);
            this.channel = pending.channel();
            this.sha = sha256 ? newSha256() : null;
        }

        void write(byte[] line) throws IOException {
            if (buffer.remaining() <= line.length) {
                drain();
            }
            if (buffer.remaining() <= line.length) {
                // Larger than the buffer: straight to the file.
                store(ByteBuffer.wrap(line));
                store(ByteBuffer.wrap(NEWLINE_BYTES));
            } else {
                buffer.put(line).put(NEWLINE);
            }
            count++;
            bytes += line.length + 1L;
        }

        private void drain() throws IOException {
            buffer.flip();
            store(buffer);
            buffer.clear();
        }

        /** Checksums the bytes (the buffer's large chunks, not each line) and writes them. */
        private void store(ByteBuffer bytes) throws IOException {
            crc.update(bytes.duplicate());
            if (sha != null) {
                sha.update(bytes.duplicate());
            }
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }

        Sealed seal(String continuesIn) throws IOException {
            drain();
            pending.seal();
            return new Sealed(pending, new FileRow(jobId, name, taskSeq, kind, type, count, bytes,
                    Manifest.crc32cHex(crc),
                    sha == null ? null : HexFormat.of().formatHex(sha.digest()), continuesIn, 0));
        }
    }

    /** {@code sha256}: also hash each file with SHA-256 (every file gets its CRC-32C). */
    public NdjsonFileWriter(OutputStore output, String jobId, int taskSeq, String attempt, long splitBytes,
                            boolean sha256) {
        this.output = output;
        this.sha256 = sha256;
        // Whatever a failed task before left in this thread's buffer was never written.
        buffer.clear();
        this.jobId = jobId;
        this.taskSeq = taskSeq;
        this.attempt = attempt;
        this.splitBytes = splitBytes;
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String nameFor(String kind, String type, int part) {
        String label = kind.equals("output") ? type : kind;
        return String.format("%05d-%s-%03d.ndjson", taskSeq, label, part);
    }

    /** Appends one line (a resource's bytes, without newline) to the file of {@code kind}/{@code type}. */
    public void write(String kind, String type, byte[] line) throws IOException {
        if (current != null && (!current.kind.equals(kind) || !current.type.equals(type))) {
            sealed.add(current.seal(null));
            current = null;
        }
        if (current != null && current.count > 0 && current.bytes + line.length + 1 > splitBytes) {
            int next = current.part + 1;
            sealed.add(current.seal(null));
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

    // ------------------------------------------------------------- blocks

    /** Starts a block of organized output (files of kind output, labelled {@code type}) under {@code header}. */
    public void startBlock(String type, byte[] header) throws IOException {
        if (blockHeader != null) {
            endBlock();
        }
        if (current != null && (!current.kind.equals("output") || !current.type.equals(type))) {
            sealed.add(current.seal(null));
            current = null;
        }
        blockHeader = header;
        blockLines = new ArrayList<>();
        blockBytes = header.length + 1L;
        blockType = type;
    }

    /** Adds a resource to the open block. */
    public void writeInBlock(byte[] line) throws IOException {
        if (blockLines != null) {
            blockLines.add(line);
            blockBytes += line.length + 1L;
            if (blockBytes > Math.min(splitBytes, BLOCK_BUFFER)) {
                // Too big to hold: it gets a file of its own and is streamed from here on.
                if (current != null && current.count > 0) {
                    sealed.add(current.seal(null));
                    current = new Open("output", blockType, nextPart("output", blockType));
                }
                flushBlock();
                blockLines = null;
            }
            return;
        }
        streamInBlock(line);
    }

    /** A line of a block being streamed: past the file size, the block goes on in the next file. */
    private void streamInBlock(byte[] line) throws IOException {
        if (current.count > 1 && current.bytes + line.length + 1 > splitBytes) {
            Open next = new Open("output", blockType, current.part + 1);
            sealed.add(current.seal(next.name));
            current = next;
            current.write(blockHeader);
        }
        current.write(line);
    }

    /** Closes the open block, moving it whole to a new file when it does not fit in the current one. */
    public void endBlock() throws IOException {
        if (blockHeader == null) {
            return;
        }
        if (blockLines != null) {
            if (current != null && current.count > 0 && current.bytes + blockBytes > splitBytes) {
                int next = current.part + 1;
                sealed.add(current.seal(null));
                current = new Open("output", blockType, next);
            }
            flushBlock();
        }
        blockHeader = null;
        blockLines = null;
        blockBytes = 0;
    }

    private void flushBlock() throws IOException {
        if (current == null) {
            current = new Open("output", blockType, nextPart("output", blockType));
        }
        current.write(blockHeader);
        for (byte[] line : blockLines) {
            streamInBlock(line);
        }
    }

    /** Seals the open file; returns every file of the task. */
    public List<FileRow> finish() throws IOException {
        endBlock();
        if (current != null) {
            sealed.add(current.seal(null));
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
