package org.recsys4j.onnx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.bundle.Provenance;
import org.recsys4j.io.Checksums;
import org.recsys4j.io.FormatHeader;
import org.recsys4j.onnx.proto.OnnxProto.GraphProto;
import org.recsys4j.onnx.proto.OnnxProto.ModelProto;
import org.recsys4j.onnx.proto.OnnxProto.StringStringEntryProto;

/**
 * The provenance an exported model carries in ONNX {@code metadata_props}, readable with any ONNX
 * tool (Netron shows it; ONNX Runtime's {@code getMetadata().getCustomMetadata()} returns it): the
 * spec, the training config and the provenance as JSON, and the facts people look for flattened to
 * one key each — dataset, the SHA-256 of every data file, seed, trainer and versions — and a
 * checksum over the graph and all of these, so a file damaged on disk is refused, not served.
 */
final class OnnxMetadata {
    static final String KIND = "recsys4j.model";
    static final String FORMAT_VERSION = "recsys4j.format_version";
    /** The versions of this metadata read; {@link #FORMAT_VERSION} records the one written. 1: the keys here. */
    static final FormatHeader HEADER = new FormatHeader("recsys4j-onnx", 1, 1);
    static final String FEATURE = "recsys4j.feature";
    static final String DIMENSION = "recsys4j.dimension";
    static final String CANDIDATES = "recsys4j.candidates";
    static final String K = "recsys4j.k";
    /**
     * SHA-256 of the model the file was exported from (spec, vocabularies, weights): the two tower
     * files of one model carry the same, so a pair mixed from two exports is refused.
     */
    static final String MODEL_SHA256 = "recsys4j.model_sha256";
    /**
     * SHA-256 of the serialized graph followed by every other metadata key and value (UTF-8, each
     * followed by a NUL byte): weights flipped on disk still parse, so only a checksum notices them.
     */
    static final String SHA256 = "recsys4j.sha256";

    private static final ObjectMapper JSON = new ObjectMapper();

    private OnnxMetadata() {
    }

    /** Everything about {@code bundle} worth keeping next to the graph, plus {@code extra}. */
    static Map<String, String> describe(ModelBundle bundle, OnnxModelKind kind, Map<String, String> extra) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KIND, kind.id());
        m.put(FORMAT_VERSION, Integer.toString(HEADER.newest()));
        m.putAll(extra);
        m.put(MODEL_SHA256, modelSha256(bundle));
        m.put("recsys4j.spec", json(specOf(bundle)));
        if (bundle.training() != null) {
            m.put("recsys4j.training", json(bundle.training()));
        }
        Provenance p = bundle.provenance();
        if (p != null) {
            m.put("recsys4j.provenance", json(p));
            put(m, "recsys4j.dataset", p.dataset());
            m.put("recsys4j.seed", Long.toString(p.seed()));
            put(m, "recsys4j.trained_by", p.backend());
            put(m, "recsys4j.trained_at", p.createdAt());
            p.dataFiles().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> m.put("recsys4j.data_sha256." + e.getKey(), e.getValue()));
            p.versions().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> m.put("recsys4j.version." + e.getKey(), e.getValue()));
        }
        return m;
    }

    /** The SHA-256 over what decides a bundle's towers: its spec, vocabularies and weights. */
    static String modelSha256(ModelBundle bundle) {
        MessageDigest sha = Checksums.sha256();
        sha.update(json(specOf(bundle)).getBytes(StandardCharsets.UTF_8));
        bundle.vocabularies().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            e.getValue().vocabulary().forEach(t -> {
                sha.update((byte) 0);
                sha.update(t.getBytes(StandardCharsets.UTF_8));
            });
        });
        ByteBuffer buf = ByteBuffer.allocate(1 << 14).order(ByteOrder.LITTLE_ENDIAN);
        bundle.weights().asMap().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            for (float v : e.getValue().data()) {
                if (!buf.hasRemaining()) {
                    sha.update(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putFloat(v);
            }
            sha.update(buf.array(), 0, buf.position());
            buf.clear();
        });
        return Checksums.hex(sha);
    }

    /**
     * What decides the model: a retrieval bundle's {@code RetrievalSpec} (as exports before the
     * ranking stage recorded it), any other bundle's whole {@code ModelSpec} (towers and tasks).
     */
    private static Object specOf(ModelBundle bundle) {
        return bundle.retrievalOnly() ? bundle.spec() : bundle.model();
    }

    /** Adds {@code metadata} and, when there is any, the checksum over it and the graph. */
    static void addTo(ModelProto.Builder model, Map<String, String> metadata) {
        if (metadata.isEmpty()) {
            return;
        }
        metadata.forEach((k, v) -> model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(SHA256)
                .setValue(checksum(model.getGraph(), metadata)));
    }

    /** The checksum {@link #SHA256} records; {@code metadata} without that entry itself. */
    static String checksum(GraphProto graph, Map<String, String> metadata) {
        MessageDigest sha = Checksums.sha256();
        sha.update(graph.toByteArray());
        metadata.forEach((k, v) -> {
            if (!k.equals(SHA256)) {
                sha.update(k.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(v.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
        });
        return Checksums.hex(sha);
    }

    static Map<String, String> read(ModelProto model) {
        Map<String, String> m = new LinkedHashMap<>();
        for (StringStringEntryProto e : model.getMetadataPropsList()) {
            m.put(e.getKey(), e.getValue());
        }
        return m;
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
