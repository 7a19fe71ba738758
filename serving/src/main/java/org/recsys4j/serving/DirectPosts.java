package org.recsys4j.serving;

import io.javalin.http.HttpStatus;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hot requests, {@code POST /v1/models/NAME:predict}, {@code :recommend} and {@code :similar}
 * (no version in the path), answered by a plain Jetty handler in front of Javalin's servlet; every
 * other request, these paths with any other spelling included, goes on to Javalin, and so does one
 * that accepts a compressed answer (Javalin gzips those of 1,500 bytes and more) or declares a body
 * over {@code --max-body-bytes}. Same server,
 * same answers ({@link ModelCalls}), same metrics and access log; what it skips is the servlet
 * layer and Javalin's per-request context, routing and compression check, which together cost
 * more CPU than the retrieval itself (a third of a {@code :recommend}'s, profiled under wrk).
 * It sits inside Jetty's {@code GracefulHandler}, so a shutdown waits for its requests too.
 */
final class DirectPosts extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(DirectPosts.class);
    private static final HttpField JSON = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "application/json");

    /** What the request log (metrics, and the access log when {@code client} is not null) is told. */
    @FunctionalInterface
    interface Served {
        void served(String endpoint, int status, long nanos, String client, String method, String path);
    }

    /** The body was over {@code --max-body-bytes}: answered 413, as Javalin answers its own check. */
    private static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super(null, null, false, false);
        }
    }

    private final Map<String, ModelPath> paths;
    private final ModelCalls calls;
    private final long maxBodyBytes;
    private final BooleanSupplier logging;
    private final Served served;

    /** {@code logging}: whether the access log is on (the client's address is looked up only then). */
    DirectPosts(String model, ModelCalls calls, long maxBodyBytes, BooleanSupplier logging, Served served) {
        String base = "/v1/models/" + model + ":";
        this.paths = Map.of(base + "predict", new ModelPath(model, null, "predict", false),
                base + "recommend", new ModelPath(model, null, "recommend", false),
                base + "similar", new ModelPath(model, null, "similar", false));
        this.calls = calls;
        this.maxBodyBytes = maxBodyBytes;
        this.logging = logging;
        this.served = served;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        ModelPath p = paths.get(path);
        if (p == null || !HttpMethod.POST.is(request.getMethod())
                || request.getHeaders().contains(HttpHeader.ACCEPT_ENCODING) || request.getLength() > maxBodyBytes) {
            // Javalin compresses where the client accepts it, and refuses a body declared too large
            // (ModelCalls.readBody: drained first, or not asked for when the client expects 100 Continue)
            return super.handle(request, response, callback);
        }
        long start = System.nanoTime();
        String endpoint = ModelCalls.endpoint(p);
        int status = 200;
        byte[] json;
        try {
            json = calls.post(p, () -> {
                // a body declared too large went to Javalin above, so whether the client waits for
                // 100 Continue before sending one does not matter here
                byte[] body = ModelCalls.readBody(() -> Request.asInputStream(request), request.getLength(),
                        maxBodyBytes, false);
                if (body == null) {
                    throw new TooLarge();
                }
                return body;
            });
        } catch (ApiException e) {
            status = e.status;
            json = Responses.error(e.getMessage());
        } catch (TooLarge e) {
            endpoint = "rejected";
            status = HttpStatus.CONTENT_TOO_LARGE.getCode();
            json = Responses.error(HttpStatus.CONTENT_TOO_LARGE.getMessage());
        } catch (Exception e) {
            LOG.error("internal error on POST {}", path, e);
            status = 500;
            json = Responses.error("internal error: " + e);
        }
        response.setStatus(status);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(JSON);
        headers.put(HttpHeader.CONTENT_LENGTH, json.length);
        response.write(true, ByteBuffer.wrap(json), callback);
        served.served(endpoint, status, System.nanoTime() - start,
                logging.getAsBoolean() ? Request.getRemoteAddr(request) : null, "POST", path);
        return true;
    }
}
