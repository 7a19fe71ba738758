package org.recsys4j.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.recsys4j.io.FileChecks;
import org.recsys4j.io.FormatException;
import org.recsys4j.onnx.proto.OnnxProto.AttributeProto;
import org.recsys4j.onnx.proto.OnnxProto.GraphProto;
import org.recsys4j.onnx.proto.OnnxProto.ModelProto;
import org.recsys4j.onnx.proto.OnnxProto.NodeProto;
import org.recsys4j.onnx.proto.OnnxProto.TensorProto;
import org.recsys4j.onnx.proto.OnnxProto.ValueInfoProto;
import org.recsys4j.vocab.StringLookup;

/**
 * An exported model read back and checked before ONNX Runtime sees it: the protobuf must parse,
 * hold a graph with inputs, outputs and nodes, carry recsys4j's metadata saying which kind of
 * model it is, and match the checksum recorded at export. What Java needs to wrap it — the input
 * feature, the embedding size, the vocabulary (from the LabelEncoder's keys) — comes from the file
 * itself, so a served file needs no bundle.
 */
final class OnnxModelFile {
    private final Path file;
    private final String origin;
    private final byte[] bytes;
    private final ModelProto model;
    private final OnnxModelKind kind;
    private final Map<String, String> metadata;

    private OnnxModelFile(Path file, String origin, byte[] bytes, ModelProto model) throws FormatException {
        this.file = file;
        this.origin = origin;
        this.bytes = bytes;
        this.model = model;
        checkStructure();
        this.metadata = OnnxMetadata.read(model);
        String kindId = metadata.get(OnnxMetadata.KIND);
        this.kind = OnnxModelKind.fromId(kindId);
        if (kind == null) {
            throw new OnnxFormatException(file, origin + " is an ONNX model but not one recsys4j exported: its metadata"
                    + " has " + (kindId == null ? "no '" + OnnxMetadata.KIND + "' entry" : "'" + OnnxMetadata.KIND
                    + "' = '" + kindId + "'") + "; expected one of "
                    + java.util.Arrays.stream(OnnxModelKind.values()).map(OnnxModelKind::id).toList());
        }
        OnnxMetadata.HEADER.checkVersion(file == null ? Path.of(origin) : file,
                metadata.get(OnnxMetadata.FORMAT_VERSION), OnnxFormatException::new);
        String recorded = metadata.get(OnnxMetadata.SHA256);
        String actual = OnnxMetadata.checksum(model.getGraph(), metadata);
        if (!actual.equals(recorded)) {
            throw new OnnxFormatException(file,
                    origin + " is damaged or was changed after export: the SHA-256 of its graph"
                    + " and metadata is " + actual + " but it records " + (recorded == null ? "none" : recorded));
        }
    }

    /** Reads and checks {@code file}; a damaged or foreign file fails here with its name in the message. */
    static OnnxModelFile read(Path file) throws IOException {
        if (FileChecks.MISSING.equals(FileChecks.problem(file))) {
            throw new NoSuchFileException(file.toString(), null, "no ONNX model here");
        }
        long size = FileChecks.requireRegularFile(file, "an ONNX model", OnnxFormatException::new);
        if (size == 0) {
            throw new OnnxFormatException(file, file + " is empty; expected an ONNX model");
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new OnnxFormatException(file, file + " has " + size + " bytes, more than one ONNX protobuf may have"
                    + " (2 GiB); expected an ONNX model");
        }
        byte[] bytes = Files.readAllBytes(file);
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxFormatException(file, file + " is not a readable ONNX model (damaged, truncated or another"
                    + " format): " + e.getMessage(), e);
        }
        return new OnnxModelFile(file, file.toString(), bytes, model);
    }

    /** A model built in memory; {@code origin} says what it is in messages. */
    static OnnxModelFile of(ModelProto model, String origin) throws FormatException {
        return new OnnxModelFile(null, origin, model.toByteArray(), model);
    }

    OnnxModelFile expect(OnnxModelKind expected) throws OnnxFormatException {
        if (kind != expected) {
            throw new OnnxFormatException(file, origin + " is a " + kind.id() + " model, not a " + expected.id()
                    + " model");
        }
        return this;
    }

    private void checkStructure() throws OnnxFormatException {
        if (model.getIrVersion() < 1) {
            throw new OnnxFormatException(file, origin + " is not an ONNX model (damaged or truncated?): it has no"
                    + " ir_version");
        }
        if (!model.hasGraph()) {
            throw new OnnxFormatException(file, origin + " is not a complete ONNX model (damaged or truncated?): it has"
                    + " no graph");
        }
        GraphProto g = model.getGraph();
        if (g.getNodeCount() == 0 || g.getOutputCount() == 0 || inputs().isEmpty()) {
            throw new OnnxFormatException(file,
                    origin + " is not a complete ONNX model (damaged or truncated?): its graph"
                    + " has " + g.getNodeCount() + " nodes, " + inputs().size() + " inputs and " + g.getOutputCount()
                    + " outputs");
        }
        if (model.getOpsetImportList().stream().noneMatch(o -> o.getDomain().isEmpty())) {
            throw new OnnxFormatException(file, origin + " does not import the default ONNX operator set");
        }
    }

    /** The graph's inputs that callers must feed: those without an initializer holding a default. */
    private List<ValueInfoProto> inputs() {
        Set<String> defaults = new HashSet<>();
        model.getGraph().getInitializerList().forEach(t -> defaults.add(t.getName()));
        return model.getGraph().getInputList().stream().filter(i -> !defaults.contains(i.getName())).toList();
    }

    String origin() {
        return origin;
    }

    /** The file it was read from; null for a model built in memory. */
    Path file() {
        return file;
    }

    byte[] bytes() {
        return bytes;
    }

    /**
     * What an ONNX Runtime session runs: the file's bytes, or, when the model has context inputs
     * with defaults, the same graph with those defaults taken out of the initializers, so that the
     * inputs are plain required ones. ONNX Runtime's Java API (1.24) refuses to feed an input that
     * is also an initializer (it counts and checks names against the inputs without one), so the
     * Java side always feeds every context input, the default itself where the caller has no value.
     */
    byte[] sessionBytes() {
        List<String> context = contextInputs();
        if (context.isEmpty()) {
            return bytes;
        }
        GraphProto.Builder g = model.getGraph().toBuilder().clearInitializer();
        model.getGraph().getInitializerList().stream().filter(t -> !context.contains(t.getName()))
                .forEach(g::addInitializer);
        return model.toBuilder().setGraph(g).build().toByteArray();
    }

    /** The default of a context input, its initializer: values and shape. */
    ContextInput contextInput(String input) throws OnnxFormatException {
        TensorProto t = model.getGraph().getInitializerList().stream().filter(i -> i.getName().equals(input))
                .findFirst().orElseThrow(() -> new OnnxFormatException(file, origin + " has no default for input '"
                        + input + "'"));
        if (t.getDataType() == TensorProto.DataType.FLOAT.getNumber()) {
            // a numeric input: its default from float_data (or raw_data, little-endian)
            float[] numbers;
            if (t.getFloatDataCount() > 0) {
                numbers = new float[t.getFloatDataCount()];
                for (int i = 0; i < numbers.length; i++) {
                    numbers[i] = t.getFloatData(i);
                }
            } else {
                java.nio.FloatBuffer raw = t.getRawData().asReadOnlyByteBuffer()
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
                numbers = new float[raw.remaining()];
                raw.get(numbers);
            }
            return ContextInput.numeric(input, numbers, t.getDimsList().stream().mapToLong(Long::longValue).toArray());
        }
        if (t.getDataType() != TensorProto.DataType.STRING.getNumber()) {
            throw new OnnxFormatException(file,
                    origin + ": the default of input '" + input + "' is not a string tensor");
        }
        List<String> values = new ArrayList<>();
        t.getStringDataList().forEach(b -> values.add(b.toStringUtf8()));
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        return new ContextInput(input, vocabulary(input), values.toArray(String[]::new), shape);
    }

    /** Every context input of the model, in the graph's order. */
    List<ContextInput> contextInputDefaults() throws OnnxFormatException {
        List<ContextInput> out = new ArrayList<>();
        for (String input : contextInputs()) {
            out.add(contextInput(input));
        }
        return out;
    }

    ModelProto model() {
        return model;
    }

    OnnxModelKind kind() {
        return kind;
    }

    Map<String, String> metadata() {
        return metadata;
    }

    /** The raw-id input, e.g. {@code user_id}. */
    String feature() throws OnnxFormatException {
        List<ValueInfoProto> in = inputs();
        if (in.size() != 1) {
            throw new OnnxFormatException(file, origin + " should take one required input, the raw ids; it takes "
                    + in.stream().map(ValueInfoProto::getName).toList());
        }
        return in.get(0).getName();
    }

    /** The embedding size, from the metadata the exporter wrote. */
    int dimension() throws OnnxFormatException {
        return intMetadata(OnnxMetadata.DIMENSION);
    }

    int intMetadata(String key) throws OnnxFormatException {
        String v = metadata.get(key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new OnnxFormatException(file, origin + ": metadata '" + key + "' should be a number, got " + v);
        }
    }

    /**
     * The optional inputs, which have a default (an initializer of the same name): the query
     * tower's context features, e.g. {@code timestamp_bucket}, in the graph's order.
     */
    List<String> contextInputs() {
        Set<String> defaults = new HashSet<>();
        model.getGraph().getInitializerList().forEach(t -> defaults.add(t.getName()));
        return model.getGraph().getInputList().stream().map(ValueInfoProto::getName).filter(defaults::contains)
                .toList();
    }

    /** The vocabulary the model's LabelEncoder looks ids up in, rows 1..n in order. */
    StringLookup vocabulary() throws OnnxFormatException {
        return vocabulary(feature());
    }

    /** The vocabulary of the LabelEncoder that reads the input {@code input}, rows 1..n in order. */
    StringLookup vocabulary(String input) throws OnnxFormatException {
        NodeProto encoder = model.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("LabelEncoder") && n.getDomain().equals(TowerGraph.ML_DOMAIN)
                        && n.getInputCount() == 1 && n.getInput(0).equals(input))
                .findFirst()
                .orElseThrow(() -> new OnnxFormatException(file,
                        origin + " has no ai.onnx.ml LabelEncoder node reading '"
                        + input + "', so it holds no vocabulary for it"));
        List<ByteString> keys = attribute(encoder, "keys_strings").getStringsList();
        List<Long> values = attribute(encoder, "values_int64s").getIntsList();
        if (keys.size() != values.size()) {
            throw new OnnxFormatException(file, origin + ": LabelEncoder '" + encoder.getName() + "' has " + keys.size()
                    + " keys but " + values.size() + " values");
        }
        String[] tokens = new String[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            long row = values.get(i);
            if (row < 1 || row > tokens.length || tokens[(int) row - 1] != null) {
                throw new OnnxFormatException(file, origin + ": LabelEncoder '" + encoder.getName() + "' maps '"
                        + keys.get(i).toStringUtf8() + "' to row " + row + "; rows must be 1.." + tokens.length
                        + ", each once (row 0 is the OOV row)");
            }
            tokens[(int) row - 1] = keys.get(i).toStringUtf8();
        }
        long fallback = attribute(encoder, "default_int64").getI();
        if (fallback != StringLookup.OOV_INDEX) {
            throw new OnnxFormatException(file,
                    origin + ": LabelEncoder '" + encoder.getName() + "' sends unknown ids to"
                    + " row " + fallback + ", not the OOV row " + StringLookup.OOV_INDEX);
        }
        return StringLookup.of(Arrays.asList(tokens));
    }

    /** The string constant {@code name}, e.g. the candidate identifiers. */
    List<String> stringInitializer(String name) throws OnnxFormatException {
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getName().equals(name)) {
                List<String> out = new ArrayList<>(t.getStringDataCount());
                t.getStringDataList().forEach(b -> out.add(b.toStringUtf8()));
                return out;
            }
        }
        throw new OnnxFormatException(file, origin + " has no constant '" + name + "'");
    }

    private AttributeProto attribute(NodeProto node, String name) throws OnnxFormatException {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        throw new OnnxFormatException(file, origin + ": node '" + node.getName() + "' has no attribute '" + name + "'");
    }
}
