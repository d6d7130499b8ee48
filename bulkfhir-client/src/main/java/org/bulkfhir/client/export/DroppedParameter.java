package org.bulkfhir.client.export;

/**
 * A kick-off parameter left out after the server refused it (C-19).
 *
 * @param name the parameter, e.g. {@code _elements}
 * @param serverSaid the text of the OperationOutcome issue that named it
 * @param consequence what the export lacks or has more of because of it, for the user
 */
public record DroppedParameter(String name, String serverSaid, String consequence) {

    /** One line for a user: which parameter, why, and what it changes. */
    public String describe() {
        return "the server refused " + name + " (\"" + serverSaid + "\"); it was dropped and the export"
                + " resubmitted without it: " + consequence;
    }
}
