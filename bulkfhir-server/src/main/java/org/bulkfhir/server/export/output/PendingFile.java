package org.bulkfhir.server.export.output;

import java.io.IOException;
import java.io.OutputStream;

/** A file being written by a task run: written, sealed, then published or discarded. */
public interface PendingFile {
    /** Where the lines go; the caller buffers. */
    OutputStream out();

    /** No more bytes; everything written is now stored, still invisible. */
    void seal() throws IOException;

    /** Makes the sealed file visible under its final name, replacing an earlier run's. */
    void publish() throws IOException;

    /** Drops whatever this run stored; harmless after publish or when nothing was stored. */
    void discard() throws IOException;
}
