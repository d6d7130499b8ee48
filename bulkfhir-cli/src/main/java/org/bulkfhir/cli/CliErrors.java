package org.bulkfhir.cli;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** Turns exceptions into the one-line messages the command prints. */
final class CliErrors {
    private CliErrors() {
    }

    static String message(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof UsageError)) {
            if (root.getMessage() != null && !(root instanceof java.util.concurrent.ExecutionException)
                    && !(root instanceof java.io.UncheckedIOException)) {
                break;
            }
            root = root.getCause();
        }
        if (root instanceof NoSuchFileException f) {
            return "no such file: " + f.getFile();
        }
        if (root instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (root instanceof BindException || (root instanceof IOException && String.valueOf(root.getMessage()).contains("bind"))) {
            return "cannot listen on the requested address (" + root.getMessage()
                    + "); is another server running? choose another --port";
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }
}
