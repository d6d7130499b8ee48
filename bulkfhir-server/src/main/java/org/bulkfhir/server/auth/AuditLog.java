package org.bulkfhir.server.auth;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who did what, on the dedicated {@code bulkfhir.audit} logger, one {@code key=value} line per
 * event so the lines can be routed and parsed apart from diagnostics. Lines carry client ids,
 * job ids, addresses, outcomes and reasons; never a token, a key or patient data, so callers
 * pass identifiers only.
 */
public final class AuditLog {
    public static final String LOGGER = "bulkfhir.audit";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private AuditLog() {
    }

    public static void tokenIssued(String clientId, String address, String scope, int expiresIn) {
        write("token.issued", Map.of("client_id", clientId, "ip", address, "scope", scope,
                "expires_in", Integer.toString(expiresIn)));
    }

    /** @param claimedClientId the assertion's {@code iss}, unverified (null when none could be read) */
    public static void tokenRefused(String claimedClientId, String address, String error, String reason) {
        write("token.refused", Map.of("claimed_client_id", orDash(claimedClientId), "ip", address, "error", error, "reason", reason));
    }

    public static void clientRegistered(String clientId, String address, String via) {
        write("client.registered", Map.of("client_id", clientId, "ip", orDash(address), "via", via));
    }

    public static void clientDisabled(String clientId, String via) {
        write("client.disabled", Map.of("client_id", clientId, "via", via));
    }

    public static void registrationRefused(String address, String reason) {
        write("client.registration_refused", Map.of("ip", orDash(address), "reason", reason));
    }

    /** A request refused by the resource server: no or bad token (401), or too little scope (403). */
    public static void accessDenied(String clientId, String address, String method, String path, int status, String reason) {
        write("access.denied", Map.of("client_id", orDash(clientId), "ip", orDash(address), "method", method,
                "path", path, "status", Integer.toString(status), "reason", reason));
    }

    /** For the export endpoints: {@code outcome} is e.g. {@code accepted}, {@code refused}, {@code 403}. */
    public static void exportKickoff(Principal principal, String address, String jobId, String level, String types,
                                     String outcome) {
        write("export.kickoff", Map.of("client_id", principal.clientId(), "ip", orDash(address), "job", orDash(jobId),
                "level", orDash(level), "types", orDash(types), "outcome", outcome));
    }

    public static void exportStatus(Principal principal, String address, String jobId, String outcome) {
        write("export.status", Map.of("client_id", principal.clientId(), "ip", orDash(address), "job", orDash(jobId),
                "outcome", outcome));
    }

    public static void exportCancel(Principal principal, String address, String jobId, String outcome) {
        write("export.cancel", Map.of("client_id", principal.clientId(), "ip", orDash(address), "job", orDash(jobId),
                "outcome", outcome));
    }

    /** {@code file} is the server's file name or id, never its content. */
    public static void fileDownload(Principal principal, String address, String jobId, String file, String outcome) {
        write("export.download", Map.of("client_id", principal.clientId(), "ip", orDash(address), "job", orDash(jobId),
                "file", orDash(file), "outcome", outcome));
    }

    static void write(String event, Map<String, String> fields) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        StringBuilder line = new StringBuilder("event=").append(event);
        fields.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                line.append(' ').append(e.getKey()).append('=').append(value(e.getValue())));
        LOG.info(line.toString());
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    /** Quotes values with spaces, quotes or '='; strips control characters so a client cannot forge lines. */
    static String value(String raw) {
        if (raw == null) {
            return "-";
        }
        StringBuilder clean = new StringBuilder(Math.min(raw.length(), 300));
        for (int i = 0; i < raw.length() && clean.length() < 300; i++) {
            char c = raw.charAt(i);
            clean.append(Character.isISOControl(c) ? ' ' : c);
        }
        String s = clean.toString();
        if (s.isEmpty()) {
            return "\"\"";
        }
        if (s.chars().anyMatch(c -> c == ' ' || c == '"' || c == '=')) {
            return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }
        return s;
    }
}
