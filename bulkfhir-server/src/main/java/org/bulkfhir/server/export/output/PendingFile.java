package org.bulkfhir.server.export.output;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;

/** A file being written by a task run: written, sealed, then published or discarded. */
public interface PendingFile {
    /** Where the lines go; the caller buffers (in direct memory, so a file channel copies nothing more). */
    WritableByteChannel channel();

    /** No more bytes; everything written is now stored, still invisible. */
    void seal() throws IOException;

    /** Makes the sealed file visible under its final name, replacing an earlier run's. */
    void publish() throws IOException;

    /** Drops whatever this run stored; harmless after publish or when nothing was stored. */
    void discard() throws IOException;
}
