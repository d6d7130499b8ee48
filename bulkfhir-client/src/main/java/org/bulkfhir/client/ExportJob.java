package org.bulkfhir.client;

import java.net.URI;
import java.nio.file.Path;
import org.bulkfhir.client.export.ExportLevel;
import org.bulkfhir.client.export.ExportParameters;

/** One export to run: what to ask for and where to put it. */
public final class ExportJob {
    public URI server;
    public ExportLevel level = ExportLevel.SYSTEM;
    public ExportParameters params = new ExportParameters();
    public Path out;
    public int parallel = 4;
    /** Continue the unfinished export recorded in {@code out}. */
    public boolean resume;
    /** Use the previous export's {@code transactionTime} in {@code out} as {@code _since} (C-41). */
    public boolean sinceAuto;
    /** After a verified download, DELETE the job so the server can drop its files (C-40). */
    public boolean cleanup = true;
    /** Ask for gzip transfer encoding of files; off, files travel as stored (identity). */
    public boolean acceptGzip = true;
    /**
     * C-18: re-apply {@code _typeFilter} to the downloaded files, removing what a server that
     * ignored it sent too much. Costs a HAPI parse per resource of a filtered type.
     */
    public boolean localFilter = true;
}
