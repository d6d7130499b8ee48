package org.bulkfhir.store.load;

/** Progress callbacks, from the loading thread. */
public interface LoadListener {
    /** After every database write: resources written so far, input bytes read of the total. */
    void progress(long written, long rejected, long bytesRead, long totalBytes);

    LoadListener NONE = (written, rejected, bytesRead, totalBytes) -> { };
}
