package org.bulkfhir.server.export;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.regex.Pattern;

/** Where a job's files live: {@code filesDir/<jobId>/<name>}. Names are checked before they touch the disk. */
public final class ExportFiles {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final Path root;

    public ExportFiles(Path root) {
        this.root = root.toAbsolutePath();
    }

    public Path root() {
        return root;
    }

    public Path jobDir(String jobId) {
        check(jobId);
        return root.resolve(jobId);
    }

    public Path file(String jobId, String name) {
        check(name);
        return jobDir(jobId).resolve(name);
    }

    public static boolean isSafeName(String s) {
        return s != null && SAFE.matcher(s).matches() && !s.contains("..");
    }

    private static void check(String s) {
        if (!isSafeName(s)) {
            throw new IllegalArgumentException("unsafe file name component '" + s + "'");
        }
    }

    /**
     * Removes a job's directory. Open downloads keep reading their (unlinked) file. A worker may
     * still be writing a task of a job being cancelled, adding and removing temporary files: the
     * directory is first moved aside in one rename, so the removal walks a tree nobody writes to
     * (the worker's own writes then fail, and its task with them).
     */
    public void deleteJob(String jobId) throws IOException {
        Path dir = jobDir(jobId);
        // Job ids are safe names, which never start with a dot: this cannot collide with a job.
        Path aside = root.resolve(".deleting-" + jobId + "-" + System.nanoTime());
        try {
            Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return;
        }
        Files.walkFileTree(aside, new Remover());
    }

    /** Deletes files, then their directory; what vanished on its own is not an error. */
    private static final class Remover extends SimpleFileVisitor<Path> {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
            }
            throw e;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
                throw e;
            }
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
        }
    }
}
