package org.recsys4j.serving;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code recsys4j serve}: TF Serving's REST API ({@code :predict}, version status, metadata) and
 * recsys4j's own {@code :recommend} and {@code :similar} over a directory of model versions, with
 * {@code /healthz}, {@code /readyz}, Prometheus {@code /metrics}, an access log and a web page at
 * {@code /}, on Javalin (Jetty 12).
 *
 * <pre>{@code
 * try (ModelServer server = ModelServer.start(ServingOptions.defaults(Path.of("models/serving")))) {
 *     server.awaitStop();
 * }
 * }</pre>
 *
 * <p>Every answer to a request the server cannot serve is a 4xx with TF Serving's
 * {@code {"error": "..."}} body; a 5xx would mean a bug here, and is logged with its stack trace.
 */
public final class ModelServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);
    private static final String ENDPOINT = "recsys4j.endpoint";
    private static final long STOP_TIMEOUT_MS = 10_000;

    private final ServingOptions options;
    private final ModelVersions versions;
    private final ServingMetrics metrics;
    private final ModelCalls calls;
    private final AccessLog accessLog = new AccessLog();
    private final Javalin app;
    private volatile boolean stopping;
    private final Object stopped = new Object();
    private boolean closed;

    private ModelServer(ServingOptions options) {
        this.options = options;
        this.metrics = new ServingMetrics(options.name());
        this.versions = new ModelVersions(options.name(), options.modelDir(), options.seenFile(), metrics::swapped);
        this.calls = new ModelCalls(options, versions);
        DirectPosts direct = new DirectPosts(options.name(), calls, options.maxBodyBytes(), accessLog::enabled,
                this::served);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = options.maxBodyBytes();
            config.http.generateEtags = false;
            config.jetty.modifyServer(server -> {
                server.insertHandler(direct); // first, so that the graceful handler ends up outside it
                graceful(server);
            });
            config.requestLogger.http(this::accessLog);
            config.routes.get("/", ctx -> page(ctx, "index.html", "text/html; charset=utf-8"));
            config.routes.get("/app.js", ctx -> page(ctx, "app.js", "text/javascript; charset=utf-8"));
            config.routes.get("/style.css", ctx -> page(ctx, "style.css", "text/css; charset=utf-8"));
            config.routes.get("/healthz", ctx -> handle(ctx, "healthz", () -> ok(ctx, "{\"status\":\"ok\"}")));
            config.routes.get("/readyz", ctx -> handle(ctx, "readyz", () -> ready(ctx)));
            config.routes.get("/metrics", ctx -> handle(ctx, "metrics", () -> ctx.status(200)
                    .contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape())));
            config.routes.get("/v1/models/<path>", ctx -> handle(ctx, "model_get", () -> get(ctx)));
            config.routes.post("/v1/models/<path>", ctx -> handle(ctx, "model_post", () -> post(ctx)));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> {
                ctx.attribute(ENDPOINT, "rejected");
                error(ctx, e.getStatus(), e.getMessage());
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("internal error on {} {}", ctx.method(), ctx.path(), e);
                error(ctx, 500, "internal error: " + e);
            });
            config.routes.error(404, "*", ctx -> {
                if (ctx.attribute(ENDPOINT) == null) {
                    ctx.attribute(ENDPOINT, "not_found");
                    error(ctx, 404, "no such path: " + ctx.method() + " " + Strings.cut(ctx.path()));
                }
            });
            config.routes.error(405, "*", ctx -> {
                if (ctx.attribute(ENDPOINT) == null) {
                    ctx.attribute(ENDPOINT, "not_found");
                    error(ctx, 405, ctx.method() + " is not allowed on " + Strings.cut(ctx.path()));
                }
            });
        });
    }

    /** Starts listening, loads the newest version and starts polling for new ones. */
    public static ModelServer start(ServingOptions options) {
        ModelServer server = new ModelServer(options);
        server.app.start(options.host(), options.port());
        LOG.info("serving model {} from {} on http://{}:{}/", options.name(), options.modelDir(), options.host(),
                server.port());
        server.versions.start(options.pollSeconds());
        if (server.versions.current() == null) {
            LOG.warn("no version of {} loaded yet from {}; /readyz says 503 until one loads", options.name(),
                    options.modelDir());
        }
        return server;
    }

    public int port() {
        return app.port();
    }

    /** The version serving now, or -1. */
    public long servingVersion() {
        Servable s = versions.current();
        return s == null ? -1 : s.version;
    }

    /** Looks for a new version now, as the poll would. */
    public void poll() {
        versions.poll();
    }

    /** Blocks until {@link #close} has run (from a shutdown hook, say). */
    public void awaitStop() throws InterruptedException {
        synchronized (stopped) {
            while (!closed) {
                stopped.wait();
            }
        }
    }

    /**
     * Graceful: /readyz turns 503, the server stops accepting, requests in flight finish (up to
     * 10 s), then it stops.
     */
    @Override
    public void close() {
        synchronized (stopped) {
            if (closed) {
                return;
            }
            stopping = true;
            versions.close();
            app.stop();
            accessLog.close();
            metrics.close();
            closed = true;
            // logged before awaitStop() returns: the command then exits, and a line logged after the
            // wake-up could be lost with the JVM (a SIGTERM's stop runs on a thread of its own)
            LOG.info("stopped serving {}", options.name());
            stopped.notifyAll();
        }
    }

    /**
     * Jetty's graceful stop: open requests complete (Javalin's and {@link DirectPosts}'), new ones
     * are refused.
     */
    private static void graceful(Server server) {
        server.setStopTimeout(STOP_TIMEOUT_MS);
        server.insertHandler(new GracefulHandler());
    }

    @FunctionalInterface
    private interface Action {
        void run() throws IOException;
    }

    /** Runs a handler, turning an {@link ApiException} into its 4xx answer. */
    private void handle(Context ctx, String endpoint, Action action) throws IOException {
        ctx.attribute(ENDPOINT, endpoint);
        try {
            action.run();
        } catch (ApiException e) {
            error(ctx, e.status, e.getMessage());
        }
    }

    private void accessLog(Context ctx, Float ms) {
        served(ctx.attribute(ENDPOINT), ctx.statusCode(), (long) (ms * 1_000_000L),
                accessLog.enabled() ? ctx.ip() : null, ctx.method().name(), ctx.path());
    }

    /**
     * A request answered, by Javalin or by {@link DirectPosts}: its metrics, and its access log
     * line when the log is on ({@code client} is null when it is off, so as not to look it up).
     */
    private void served(String endpoint, int status, long nanos, String client, String method, String path) {
        metrics.request(endpoint == null ? "other" : endpoint, status, nanos);
        if (client != null) {
            accessLog.log(client, method, path, status, nanos);
        }
    }

    private static void ok(Context ctx, String json) {
        ctx.status(200).contentType("application/json").result(json);
    }

    /**
     * A 200 with a JSON body, written straight to the response: {@code ctx.result} would copy it
     * through a new 8 KB buffer, a quarter of the garbage of a {@code :recommend}.
     */
    private static void answer(Context ctx, byte[] json) throws IOException {
        ctx.status(200).contentType("application/json");
        ctx.outputStream().write(json);
    }

    /**
     * The request body, at most {@code --max-body-bytes} (413 beyond, as Javalin's own check
     * answers), read into one array of the length the request declares: Javalin's
     * {@code bodyAsBytes} copies it through a new 8 KB buffer.
     */
    private byte[] body(Context ctx) throws IOException {
        byte[] body = ModelCalls.readBody(ctx.req()::getInputStream, ctx.req().getContentLengthLong(),
                options.maxBodyBytes(), "100-continue".equalsIgnoreCase(ctx.header("Expect")));
        if (body == null) {
            throw tooLarge();
        }
        return body;
    }

    private static HttpResponseException tooLarge() {
        return new HttpResponseException(HttpStatus.CONTENT_TOO_LARGE, HttpStatus.CONTENT_TOO_LARGE.getMessage(),
                Map.of());
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status).contentType("application/json").result(Responses.error(message));
    }

    private void ready(Context ctx) {
        Servable s = versions.current();
        if (stopping) {
            error(ctx, 503, "shutting down");
        } else if (s == null) {
            error(ctx, 503, "no version of model " + options.name() + " has loaded yet");
        } else {
            ok(ctx, "{\"status\":\"ready\",\"model\":\"" + options.name() + "\",\"version\":\"" + s.version + "\"}");
        }
    }

    private void page(Context ctx, String file, String type) throws IOException {
        ctx.attribute(ENDPOINT, "page");
        try (InputStream in = ModelServer.class.getResourceAsStream("web/" + file)) {
            if (in == null) {
                throw new IOException("web/" + file + " is missing from the jar");
            }
            byte[] body = in.readAllBytes();
            if (file.equals("index.html")) { // the page asks for the model it is served with (a checked name)
                body = new String(body, java.nio.charset.StandardCharsets.UTF_8)
                        .replace("<html lang=\"en\">", "<html lang=\"en\" data-model=\"" + options.name() + "\">")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            ctx.status(200).contentType(type).header("Cache-Control", "no-cache").result(body);
        }
    }

    private void get(Context ctx) {
        ModelPath p = ModelPath.parse(ctx.pathParam("path"));
        if (p.verb() != null) {
            throw new ApiException(405, ":" + p.verb() + " takes POST");
        }
        if (p.metadata()) {
            ctx.attribute(ENDPOINT, "metadata");
            Servable s = calls.model(p);
            ctx.status(200).contentType("application/json").result(Responses.metadata(options.name(), s,
                    options.predictK()));
            return;
        }
        ctx.attribute(ENDPOINT, "status");
        if (!p.name().equals(options.name())) {
            calls.model(p); // the 404
        }
        List<VersionStatus> statuses = versions.statuses();
        if (p.version() != null) {
            VersionStatus one = versions.status(p.version());
            if (one == null) {
                throw ApiException.notFound("Could not find version " + p.version() + " of model " + options.name());
            }
            statuses = List.of(one);
        } else if (statuses.isEmpty()) {
            throw ApiException.notFound("Could not find any versions of model " + options.name() + " in "
                    + options.modelDir().getFileName());
        }
        ctx.status(200).contentType("application/json").result(Responses.status(statuses));
    }

    /** A POST on a model that {@link DirectPosts} left to Javalin (a version in the path, say). */
    private void post(Context ctx) throws IOException {
        ModelPath p = ModelPath.parse(ctx.pathParam("path"));
        ctx.attribute(ENDPOINT, ModelCalls.endpoint(p));
        answer(ctx, calls.post(p, () -> body(ctx)));
    }
}
