package org.bulkfhir.store.load;

/** Progress callbacks, from the loading thread. */
public interface LoadListener {
    /** After every database write: resources written so far, input bytes read of the total. */
    void progress(long written, long rejected, long bytesRead, long totalBytes);

    /** After the last write, when the secondary indexes of a bulk load are being built. */
    default void buildingIndexes() {
    }

    LoadListener NONE = (written, rejected, bytesRead, totalBytes) -> { };
}
