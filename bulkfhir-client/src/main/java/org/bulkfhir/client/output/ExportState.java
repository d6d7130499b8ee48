package org.bulkfhir.client.output;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bulkfhir.client.export.DroppedParameter;
import org.bulkfhir.core.json.Json;

/**
 * What {@code --resume} needs after a crash or Ctrl-C, kept in {@code .bulkfhir-state.json} in
 * the output directory: the job's status URL, the name given to every file (so a resumed run
 * writes exactly the same files), and which files are verified and in place. Bytes of a file in
 * transfer are its {@code NAME.part} on disk; {@link FileEntry#partialBytes} is informational.
 * Its presence means "an export is unfinished here"; it is removed when the export completes.
 * Contains no token and no key.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class ExportState {
    public static final String FILE = ".bulkfhir-state.json";

    public int version = 1;
    public String server;
    public String level;
    public String statusUrl;
    public boolean separateStatus;
    public String kickedOffAt;
    /** The run updates a previous export in the same directory (C-36, C-41). */
    public boolean incremental;
    public String since;
    /** The manifest is complete (all pages received). */
    public boolean manifestComplete;
    public String transactionTime;
    /**
     * The {@code _typeFilter} values the client re-applies to the files (C-18), kept here so that a
     * resumed run filters the remaining files the same way; empty when local filtering is off.
     */
    public List<String> localTypeFilters = new ArrayList<>();
    /** Parameters left out of the kick-off after the server refused them (C-19). */
    public List<DroppedParameter> droppedParameters = new ArrayList<>();
    /** The names of the parameters the accepted kick-off carried. */
    public List<String> sentParameters = new ArrayList<>();
    public List<PageEntry> pages = new ArrayList<>();
    public List<FileEntry> files = new ArrayList<>();

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class PageEntry {
        public String url;
        /** The page as the server sent it, so files can still be fetched if the job is gone on resume. */
        public com.fasterxml.jackson.databind.JsonNode manifest;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class FileEntry {
        /** page index / section / position: identifies the file when the server re-signs its URL. */
        public String key;
        public String section;
        public String type;
        public String url;
        public String name;
        public boolean requiresAccessToken;
        public boolean done;
        public long lines;
        public long bytes;
        public String crc32c;
        /** Only when the manifest stated one (it costs a pass of its own). */
        public String sha256;
        public long partialBytes;
        /**
         * Per resource type, what the local {@code _typeFilter} check did to this file; null when the
         * file was not checked. {@code lines}, {@code bytes} and the checksums stay those of the file
         * as served (what was verified against the manifest); {@link #localBytes} is what is on disk.
         * An entry is marked done only after the check, so a done file is always a checked one.
         */
        public Map<String, FilterCounts> localFilter;
        public long localBytes;

        /** Resources removed from this file by the local check. */
        public long removedLocally() {
            return localFilter == null ? 0 : localFilter.values().stream().mapToLong(c -> c.removed).sum();
        }

        /** Bytes of the file on disk (the served size unless the local check rewrote it). */
        public long bytesOnDisk() {
            return localFilter == null ? bytes : localBytes;
        }
    }

    public static ExportState load(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) {
            return null;
        }
        return Json.MAPPER.readValue(f.toFile(), ExportState.class);
    }

    /** Written to a temporary file and renamed, so a crash never leaves a torn state file. */
    public synchronized void save(Path dir) throws IOException {
        Path tmp = dir.resolve(FILE + ".tmp");
        Files.write(tmp, Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(this));
        try {
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public static void delete(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(FILE));
    }
}
