package org.bulkfhir.server.http;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import org.bulkfhir.store.InvalidResourceException;
import org.bulkfhir.store.ResourceNotFoundException;
import org.bulkfhir.store.StoreException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches requests to {@link Route}s and turns every failure into an OperationOutcome with
 * the right status: a client never sees a stack trace or an HTML error page.
 */
public final class Router extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private final List<Route> routes = new ArrayList<>();

    public Router add(Route route) {
        routes.add(route);
        return this;
    }

    public Router add(String methods, String regex, Route.Endpoint endpoint) {
        return add(Route.of(methods, regex, endpoint));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        Exchange exchange = new Exchange(request, response, callback, path);
        try {
            TreeSet<String> allowed = new TreeSet<>();
            for (Route route : routes) {
                Matcher m = route.path().matcher(path);
                if (!m.matches()) {
                    continue;
                }
                String method = request.getMethod();
                if (route.methods().contains(method) || ("HEAD".equals(method) && route.methods().contains("GET"))) {
                    route.endpoint().handle(exchange, m);
                    return true;
                }
                allowed.addAll(route.methods());
            }
            if (!allowed.isEmpty()) {
                throw new HttpError(405, "not-supported", request.getMethod() + " is not supported on " + path
                        + "; allowed: " + String.join(", ", allowed), java.util.Map.of("Allow", String.join(", ", allowed)));
            }
            throw HttpError.notFound("No endpoint at " + path);
        } catch (HttpError e) {
            answer(exchange, e.status(), e.issueCode(), e.getMessage(), e);
        } catch (InvalidResourceException e) {
            answer(exchange, 400, "invalid", e.getMessage(), null);
        } catch (ResourceNotFoundException e) {
            answer(exchange, e.deleted() ? 410 : 404, e.deleted() ? "deleted" : "not-found", e.getMessage(), null);
        } catch (StoreException e) {
            LOG.error("store failure on {} {}", request.getMethod(), path, e);
            answer(exchange, 503, "transient", "The database is not available right now; retry later", null);
        } catch (Exception e) {
            LOG.error("unexpected failure on {} {}", request.getMethod(), path, e);
            answer(exchange, 500, "exception", "Internal error; the server log has the details", null);
        }
        return true;
    }

    private static void answer(Exchange exchange, int status, String code, String message, HttpError error) {
        if (exchange.answered()) {
            // The response is already under way; all we can do is abort it.
            exchange.callback().failed(new IllegalStateException(message));
            return;
        }
        if (error != null) {
            error.headers().forEach(exchange::setHeader);
        }
        exchange.fail(status, code, message);
    }
}
