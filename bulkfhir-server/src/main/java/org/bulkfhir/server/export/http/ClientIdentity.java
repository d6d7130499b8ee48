package org.bulkfhir.server.export.http;

import org.bulkfhir.server.http.Exchange;

/**
 * Who is asking, for per-client limits (and later, binding jobs to their client). On the open
 * endpoint that is the remote address; with SMART authorization it becomes the token's client_id.
 */
@FunctionalInterface
public interface ClientIdentity {
    String of(Exchange exchange);

    ClientIdentity REMOTE_ADDRESS = Exchange::remoteAddress;
}
