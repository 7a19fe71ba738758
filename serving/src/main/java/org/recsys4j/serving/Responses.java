package org.recsys4j.serving;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.recsys4j.index.TopK;

/**
 * The JSON answers, in TF Serving's shapes where TF Serving has one: {@code predictions} (row
 * format) or {@code outputs} (columnar), {@code model_version_status}, {@code model_spec} and
 * {@code metadata.signature_def}, and {@code {"error": "..."}}. Written with Jackson's streaming
 * generator, except the answer of every {@code :recommend} and {@code :similar}, which
 * {@link RankedJson} writes byte for byte as the generator would, for less CPU.
 */
final class Responses {
    static final String SIGNATURE = "serving_default";
    static final String SCORES = "scores";
    static final String IDENTIFIERS = "identifiers";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private Responses() {
    }

    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static byte[] json(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.setCodec(JSON);
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] error(String message) {
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("error", message);
            g.writeEndObject();
        });
    }

    /** Row format: one object per query with both outputs. */
    static byte[] predictions(List<TopK> results) {
        return json(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("predictions");
            for (TopK t : results) {
                g.writeStartObject();
                g.writeFieldName(SCORES);
                scores(g, t);
                g.writeFieldName(IDENTIFIERS);
                identifiers(g, t);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** Columnar format: per output, one list per query. */
    static byte[] outputs(List<TopK> results) {
        return json(g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("outputs");
            g.writeArrayFieldStart(SCORES);
            for (TopK t : results) {
                scores(g, t);
            }
            g.writeEndArray();
            g.writeArrayFieldStart(IDENTIFIERS);
            for (TopK t : results) {
                identifiers(g, t);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /**
     * {@code :recommend} and {@code :similar}: the version that answered, then the ranked results,
     * each with its {@code label} where {@code labels} has one ({@link RankedJson} writes it).
     */
    static byte[] ranked(String model, long version, String field, TopK top, Map<String, Object> extra,
            Map<String, String> labels) {
        return RankedJson.write(model, version, field, top, extra, labels);
    }

    static void modelSpec(JsonGenerator g, String model, long version) throws IOException {
        g.writeObjectFieldStart("model_spec");
        g.writeStringField("name", model);
        g.writeStringField("version", Long.toString(version));
        g.writeStringField("signature_name", SIGNATURE);
        g.writeEndObject();
    }

    static byte[] status(List<VersionStatus> statuses) {
        return json(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("model_version_status");
            for (VersionStatus s : statuses) {
                g.writeStartObject();
                g.writeStringField("version", Long.toString(s.version()));
                g.writeStringField("state", s.state());
                g.writeObjectFieldStart("status");
                g.writeStringField("error_code", s.errorCode());
                g.writeStringField("error_message", s.errorMessage());
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /**
     * TF Serving's {@code GetModelMetadata}: the signature (the inputs named after the query
     * tower's features, {@code scores} and {@code identifiers} out, [batch, k]) as the exported
     * SavedModel has it, and under {@code recsys4j} what TF Serving cannot say: spec, training,
     * provenance, index, seen items.
     */
    static byte[] metadata(String model, Servable s, int predictK) {
        return json(g -> {
            g.writeStartObject();
            modelSpec(g, model, s.version);
            g.writeObjectFieldStart("metadata");
            g.writeObjectFieldStart("signature_def");
            g.writeObjectFieldStart("signature_def");
            g.writeObjectFieldStart(SIGNATURE);
            g.writeObjectFieldStart("inputs");
            for (String input : s.inputNames()) {
                tensorInfo(g, input, s.isNumeric(input) ? "DT_FLOAT" : "DT_STRING", -1);
            }
            g.writeEndObject();
            g.writeObjectFieldStart("outputs");
            tensorInfo(g, SCORES, "DT_FLOAT", -1, Math.min(predictK, s.candidates()));
            tensorInfo(g, IDENTIFIERS, "DT_STRING", -1, Math.min(predictK, s.candidates()));
            g.writeEndObject();
            g.writeStringField("method_name", "tensorflow/serving/predict");
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
            g.writeObjectFieldStart("recsys4j");
            g.writeObjectField("spec", s.bundle.spec());
            g.writeObjectField("training", s.bundle.training());
            g.writeObjectField("provenance", s.bundle.provenance());
            g.writeObjectFieldStart("index");
            g.writeStringField("kind", s.indexKind);
            g.writeNumberField("candidates", s.candidates());
            g.writeNumberField("dimension", s.dimension());
            g.writeEndObject();
            g.writeObjectFieldStart("seen_items");
            g.writeBooleanField("available", s.seen != null);
            g.writeNumberField("pairs", s.seen == null ? 0 : s.seen.pairs());
            g.writeEndObject();
            g.writeStringField("loaded_at", s.loadedAt.toString());
            g.writeObjectField("example_queries", s.exampleQueries());
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    private static void tensorInfo(JsonGenerator g, String name, String dtype, int... dims) throws IOException {
        g.writeObjectFieldStart(name);
        g.writeStringField("dtype", dtype);
        g.writeObjectFieldStart("tensor_shape");
        g.writeArrayFieldStart("dim");
        for (int d : dims) {
            g.writeStartObject();
            g.writeStringField("size", Integer.toString(d));
            g.writeStringField("name", "");
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeBooleanField("unknown_rank", false);
        g.writeEndObject();
        g.writeStringField("name", name + ":0");
        g.writeEndObject();
    }

    private static void scores(JsonGenerator g, TopK t) throws IOException {
        g.writeStartArray();
        for (float s : t.scores()) {
            g.writeNumber(s);
        }
        g.writeEndArray();
    }

    private static void identifiers(JsonGenerator g, TopK t) throws IOException {
        g.writeStartArray();
        for (String id : t.identifiers()) {
            g.writeString(id);
        }
        g.writeEndArray();
    }
}
