package org.recsys4j.serving;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.recsys4j.index.TopK;
import org.recsys4j.model.Embeddings;
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
    private final Requests requests;
    private final AccessLog accessLog = new AccessLog();
    private final Javalin app;
    private volatile boolean stopping;
    private final Object stopped = new Object();
    private boolean closed;

    private ModelServer(ServingOptions options) {
        this.options = options;
        this.metrics = new ServingMetrics(options.name());
        this.versions = new ModelVersions(options.name(), options.modelDir(), options.seenFile(), metrics::swapped);
        this.requests = new Requests(options);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = options.maxBodyBytes();
            config.http.generateEtags = false;
            config.jetty.modifyServer(ModelServer::graceful);
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

    /** Jetty's graceful stop: open requests complete, new ones are refused. */
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
        String endpoint = ctx.attribute(ENDPOINT);
        int status = ctx.statusCode();
        long nanos = (long) (ms * 1_000_000L);
        metrics.request(endpoint == null ? "other" : endpoint, status, nanos);
        if (accessLog.enabled()) {
            accessLog.log(ctx.ip(), ctx.method().name(), ctx.path(), status, nanos);
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
        long max = options.maxBodyBytes();
        long declared = ctx.req().getContentLengthLong();
        if (declared > max) {
            throw tooLarge();
        }
        InputStream in = ctx.req().getInputStream();
        byte[] body = in.readNBytes((int) Math.min(declared >= 0 ? declared : max + 1, Integer.MAX_VALUE - 8));
        if (body.length > max) {
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

    /** The model named in the path, or 404; and the version it addresses, or 404. */
    private Servable model(ModelPath p) {
        if (!p.name().equals(options.name())) {
            throw ApiException.notFound("Servable not found for request: model '" + Strings.cut(p.name())
                    + "' (this server serves '" + options.name() + "')");
        }
        Servable s = versions.current();
        if (s == null) {
            throw ApiException.notFound("Servable not found for request: no version of " + options.name()
                    + " has loaded yet");
        }
        if (p.version() != null && p.version() != s.version) {
            throw ApiException.notFound("Servable not found for request: Specific(" + options.name() + ", "
                    + p.version() + "); version " + s.version + " is serving");
        }
        return s;
    }

    private void get(Context ctx) {
        ModelPath p = ModelPath.parse(ctx.pathParam("path"));
        if (p.verb() != null) {
            throw new ApiException(405, ":" + p.verb() + " takes POST");
        }
        if (p.metadata()) {
            ctx.attribute(ENDPOINT, "metadata");
            Servable s = model(p);
            ctx.status(200).contentType("application/json").result(Responses.metadata(options.name(), s,
                    options.predictK()));
            return;
        }
        ctx.attribute(ENDPOINT, "status");
        if (!p.name().equals(options.name())) {
            model(p); // the 404
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

    private void post(Context ctx) throws IOException {
        ModelPath p = ModelPath.parse(ctx.pathParam("path"));
        if (p.verb() == null) {
            throw new ApiException(405, "POST takes a verb: /v1/models/" + options.name()
                    + ":predict, :recommend or :similar");
        }
        switch (p.verb()) {
            case "predict" -> {
                ctx.attribute(ENDPOINT, "predict");
                predict(ctx, model(p));
            }
            case "recommend" -> {
                ctx.attribute(ENDPOINT, "recommend");
                recommend(ctx, model(p));
            }
            case "similar" -> {
                ctx.attribute(ENDPOINT, "similar");
                similar(ctx, model(p));
            }
            default -> throw ApiException.notFound("unknown method :" + Strings.cut(p.verb())
                    + "; this model takes :predict, :recommend and :similar");
        }
    }

    private void predict(Context ctx, Servable s) throws IOException {
        Requests.Predict r = requests.predict(requests.parse(body(ctx)), s);
        Embeddings q = s.embed(r.queries());
        int k = Math.min(options.predictK(), s.candidates());
        List<TopK> results = new ArrayList<>(q.rows());
        for (int i = 0; i < q.rows(); i++) {
            results.add(s.retrieve(q.row(i), k, Set.of()));
        }
        answer(ctx, r.columnar() ? Responses.outputs(results) : Responses.predictions(results));
    }

    private void recommend(Context ctx, Servable s) throws IOException {
        Requests.Recommend r = requests.recommend(requests.parse(body(ctx)), s);
        String id = (String) r.query().get(s.queryFeature());
        Set<String> exclusions = r.exclude();
        if (r.excludeSeen()) {
            Set<String> seen = s.seenBy(id);
            if (seen == null) {
                throw ApiException.badRequest("exclude_seen: version " + s.version + " has no seen items (recsys4j"
                        + " retrieval saves them with the bundle; or start the server with --seen FILE)");
            }
            if (!exclusions.isEmpty()) {
                seen.addAll(exclusions);
            }
            exclusions = seen;
        }
        TopK top = s.retrieve(s.embed(List.of(r.query())).row(0), r.k(), exclusions);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("query_known", s.knows(id));
        answer(ctx, Responses.ranked(options.name(), s.version, "recommendations", top, extra, s.labels));
    }

    private void similar(Context ctx, Servable s) throws IOException {
        Requests.Similar r = requests.similar(requests.parse(body(ctx)));
        TopK top = s.similar(r.item(), r.k(), new HashSet<>(r.exclude()));
        if (top == null) {
            throw ApiException.badRequest("'item' " + Strings.cut(r.item()) + " is not a candidate of version "
                    + s.version);
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("item", r.item());
        if (s.labels.containsKey(r.item())) {
            extra.put("item_label", s.labels.get(r.item()));
        }
        answer(ctx, Responses.ranked(options.name(), s.version, "similar", top, extra, s.labels));
    }
}
