package org.bulkfhir.server.export.output;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import org.bulkfhir.server.export.ExportFiles;

/**
 * Files in a directory, local or shared by all nodes (NFS and the like): a run writes
 * {@code <name>.<attempt>.tmp} and publishing renames it atomically into place.
 */
public final class LocalOutputStore implements OutputStore {
    private final ExportFiles files;

    public LocalOutputStore(Path root) {
        this.files = new ExportFiles(root);
    }

    public ExportFiles files() {
        return files;
    }

    @Override
    public void open() throws IOException {
        Files.createDirectories(files.root());
    }

    @Override
    public PendingFile create(String jobId, String name, String attempt) throws IOException {
        Path dir = files.jobDir(jobId);
        Files.createDirectories(dir);
        Path target = files.file(jobId, name);
        Path temp = dir.resolve(name + "." + attempt + ".tmp");
        FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        return new PendingFile() {
            @Override
            public WritableByteChannel channel() {
                return out;
            }

            @Override
            public void seal() throws IOException {
                out.close();
            }

            @Override
            public void publish() throws IOException {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }

            @Override
            public void discard() throws IOException {
                out.close();
                Files.deleteIfExists(temp);
            }
        };
    }

    @Override
    public InputStream read(String jobId, String name, long first, long length) throws IOException {
        SeekableByteChannel channel = Files.newByteChannel(files.file(jobId, name));
        try {
            channel.position(first);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return Channels.newInputStream(channel);
    }

    @Override
    public void deleteJob(String jobId) throws IOException {
        files.deleteJob(jobId);
    }

    @Override
    public Optional<String> directUrl(String jobId, String name, Instant notAfter) {
        return Optional.empty();
    }

    @Override
    public boolean servesDirectly() {
        return false;
    }

    @Override
    public String describe() {
        return files.root().toString();
    }
}
