package org.bulkfhir.client.export;

/**
 * What an export is doing, for a progress display. Called from several threads; implementations
 * must be thread-safe and quick. Never passed tokens or resource content.
 */
public interface ExportListener {
    ExportListener NONE = new ExportListener() {
    };

    enum Phase { DISCOVERY, KICK_OFF, POLLING, DOWNLOADING, VERIFYING, APPLYING, DONE }

    default void phase(Phase phase) {
    }

    /** The kick-off was accepted; the job can be resumed from this URL. */
    default void accepted(java.net.URI statusUrl) {
    }

    /** The server's free-text {@code X-Progress} (C-25); display only, never interpreted. */
    default void serverProgress(String text) {
    }

    /** More files became known (a manifest page arrived). */
    default void filesKnown(int total) {
    }

    default void fileDone(String name, long resources, long bytes) {
    }

    /** Bytes arrived (any file). */
    default void bytes(long delta) {
    }

    /** Something the user should know that does not stop the export. */
    default void warning(String message) {
    }
}
