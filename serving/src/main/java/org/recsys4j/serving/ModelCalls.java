package org.recsys4j.serving;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.recsys4j.index.TopK;
import org.recsys4j.model.Embeddings;

/**
 * The POSTs on a model ({@code :predict}, {@code :recommend}, {@code :similar}), apart from the
 * HTTP library: a path and a request body in, the JSON answer out, or an {@link ApiException}.
 * {@link ModelServer}'s Javalin route and {@link DirectPosts}' plain Jetty handler both answer
 * through here, so both give the same answers and the same errors.
 */
final class ModelCalls {
    /** The request body, read only once the path has been checked (a 404 comes before a 413). */
    @FunctionalInterface
    interface Body {
        byte[] read() throws IOException;
    }

    private final ServingOptions options;
    private final ModelVersions versions;
    private final Requests requests;

    ModelCalls(ServingOptions options, ModelVersions versions) {
        this.options = options;
        this.versions = versions;
        this.requests = new Requests(options);
    }

    /** The endpoint a POST on this path is counted under in the metrics and known to tests. */
    static String endpoint(ModelPath p) {
        if (p.verb() == null) {
            return "model_post";
        }
        return switch (p.verb()) {
            case "predict", "recommend", "similar" -> p.verb();
            default -> "model_post";
        };
    }

    /** A request's body stream, opened only when it is to be read (a servlet's sends 100 Continue). */
    @FunctionalInterface
    interface BodyStream {
        InputStream open() throws IOException;
    }

    /**
     * A request body of at most {@code max} bytes, read into one array of the length the request
     * declares ({@code declared}, or -1 when it does not); null when it is larger than {@code max}.
     * A body over {@code max} is drained first ({@link BodyDrain}), so that the client, still
     * sending, reads the 413 rather than a reset; except one declared too large by a client that
     * waits for {@code 100 Continue} ({@code expectsContinue}): it has sent none of it, and gets the
     * 413 without being asked for it (the stream is not even opened).
     */
    static byte[] readBody(BodyStream stream, long declared, long max, boolean expectsContinue) throws IOException {
        if (declared > max) {
            if (!expectsContinue && declared <= BodyDrain.FACTOR * max) {
                BodyDrain.drain(stream.open(), max);
            }
            return null;
        }
        InputStream in = stream.open();
        byte[] body = in.readNBytes((int) Math.min(declared >= 0 ? declared : max + 1, Integer.MAX_VALUE - 8));
        if (body.length > max) {
            BodyDrain.drain(in, max);
            return null;
        }
        return body;
    }

    /** The answer to a POST on {@code /v1/models/<p>}. */
    byte[] post(ModelPath p, Body body) throws IOException {
        if (p.verb() == null) {
            throw new ApiException(405, "POST takes a verb: /v1/models/" + options.name()
                    + ":predict, :recommend or :similar");
        }
        return switch (p.verb()) {
            case "predict" -> predict(body, model(p));
            case "recommend" -> recommend(body, model(p));
            case "similar" -> similar(body, model(p));
            default -> throw ApiException.notFound("unknown method :" + Strings.cut(p.verb())
                    + "; this model takes :predict, :recommend and :similar");
        };
    }

    /** The model named in the path, or 404; and the version it addresses, or 404. */
    Servable model(ModelPath p) {
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

    private byte[] predict(Body body, Servable s) throws IOException {
        Requests.Predict r = requests.predict(requests.parse(body.read()), s);
        Embeddings q = s.embed(r.queries());
        int k = Math.min(options.predictK(), s.candidates());
        List<TopK> results = new ArrayList<>(q.rows());
        for (int i = 0; i < q.rows(); i++) {
            results.add(s.retrieve(q.row(i), k, Set.of()));
        }
        return r.columnar() ? Responses.outputs(results) : Responses.predictions(results);
    }

    private byte[] recommend(Body body, Servable s) throws IOException {
        Requests.Recommend r = requests.recommend(body.read(), s);
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
        return Responses.ranked(options.name(), s.version, "recommendations", top, extra, s.labels);
    }

    private byte[] similar(Body body, Servable s) throws IOException {
        Requests.Similar r = requests.similar(requests.parse(body.read()));
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
        return Responses.ranked(options.name(), s.version, "similar", top, extra, s.labels);
    }
}
