package org.recsys4j.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.recsys4j.onnx.proto.OnnxProto.AttributeProto;
import org.recsys4j.onnx.proto.OnnxProto.GraphProto;
import org.recsys4j.onnx.proto.OnnxProto.NodeProto;
import org.recsys4j.onnx.proto.OnnxProto.TensorProto;
import org.recsys4j.onnx.proto.OnnxProto.TensorShapeProto;
import org.recsys4j.onnx.proto.OnnxProto.TypeProto;
import org.recsys4j.onnx.proto.OnnxProto.ValueInfoProto;

/**
 * Builds an ONNX {@code GraphProto} one value at a time: typed inputs and outputs, initializers
 * (constant tensors) and nodes. It only assembles protobuf messages with the generated classes; it
 * knows nothing about towers. Names must be unique within the graph, as ONNX requires.
 */
final class GraphBuilder {
    /** A dimension of a declared shape: a fixed size or a named symbolic one such as {@code batch}. */
    record Dim(long size, String param) {
        static Dim of(long size) {
            return new Dim(size, null);
        }

        static Dim named(String param) {
            return new Dim(-1, param);
        }

        /** A dimension of no fixed size that no other dimension is promised to equal. */
        static Dim unknown() {
            return new Dim(-1, null);
        }
    }

    private final GraphProto.Builder graph;
    private final Set<String> names = new HashSet<>();

    GraphBuilder(String name, String doc) {
        graph = GraphProto.newBuilder().setName(name).setDocString(doc);
    }

    GraphBuilder input(String name, TensorProto.DataType type, Dim... shape) {
        graph.addInput(valueInfo(claim(name), type, shape));
        return this;
    }

    /**
     * An optional string input: declared as a graph input of {@code shape} and also given as an
     * initializer of the same name holding {@code defaults} (shape {@code defaultShape}), which ONNX
     * (IR 4 and later) treats as the value to use when the caller does not feed the input.
     */
    GraphBuilder optionalStringInput(String name, String doc, List<String> defaults, long[] defaultShape,
            Dim... shape) {
        ValueInfoProto.Builder in = valueInfo(claim(name), TensorProto.DataType.STRING, shape).toBuilder();
        graph.addInput(in.setDocString(doc));
        TensorProto.Builder t = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.STRING.getNumber());
        for (long d : defaultShape) {
            t.addDims(d);
        }
        for (String v : defaults) {
            t.addStringData(ByteString.copyFromUtf8(v));
        }
        graph.addInitializer(t);
        return this;
    }

    /** As {@link #optionalStringInput}, for a float input (e.g. a numeric feature, default 0). */
    GraphBuilder optionalFloatInput(String name, String doc, float[] defaults, long[] defaultShape, Dim... shape) {
        ValueInfoProto.Builder in = valueInfo(claim(name), TensorProto.DataType.FLOAT, shape).toBuilder();
        graph.addInput(in.setDocString(doc));
        TensorProto.Builder t = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.FLOAT.getNumber());
        for (long d : defaultShape) {
            t.addDims(d);
        }
        for (float v : defaults) {
            t.addFloatData(v);
        }
        graph.addInitializer(t);
        return this;
    }

    GraphBuilder output(String name, TensorProto.DataType type, Dim... shape) {
        graph.addOutput(valueInfo(name, type, shape));
        return this;
    }

    /** A float32 constant, stored little-endian in raw_data as ONNX specifies. */
    String floats(String name, float[] values, long... shape) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        graph.addInitializer(tensor(name, TensorProto.DataType.FLOAT, shape).setRawData(ByteString.copyFrom(raw)));
        return name;
    }

    String int64s(String name, long[] values, long... shape) {
        TensorProto.Builder t = tensor(name, TensorProto.DataType.INT64, shape);
        for (long v : values) {
            t.addInt64Data(v);
        }
        graph.addInitializer(t);
        return name;
    }

    /** A string constant: ONNX keeps strings as UTF-8 bytes in string_data, one per element. */
    String strings(String name, List<String> values, long... shape) {
        TensorProto.Builder t = tensor(name, TensorProto.DataType.STRING, shape);
        for (String v : values) {
            t.addStringData(ByteString.copyFromUtf8(v));
        }
        graph.addInitializer(t);
        return name;
    }

    /** An existing constant, e.g. one taken from another model. */
    String initializer(TensorProto tensor) {
        claim(tensor.getName());
        graph.addInitializer(tensor);
        return tensor.getName();
    }

    /** Adds a node of the default (ai.onnx) domain; returns its first output. */
    String node(String opType, String name, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
        return node("", opType, name, inputs, outputs, attributes);
    }

    String node(String domain, String opType, String name, List<String> inputs, List<String> outputs,
            AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(claim(name)).addAllInput(inputs);
        if (!domain.isEmpty()) {
            n.setDomain(domain);
        }
        for (String o : outputs) {
            n.addOutput(claim(o));
        }
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return outputs.get(0);
    }

    GraphProto build() {
        return graph.build();
    }

    static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto intsAttr(String name, long[] values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static AttributeProto stringsAttr(String name, List<String> values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
                .setType(AttributeProto.AttributeType.STRINGS);
        for (String v : values) {
            a.addStrings(ByteString.copyFrom(v, StandardCharsets.UTF_8));
        }
        return a.build();
    }

    /**
     * ONNX needs every value name and every node name unique; keeping both in one set is stricter
     * and means a name in an error message points at one thing. A repeat is a bug in the exporter.
     */
    private String claim(String name) {
        if (!names.add(name)) {
            throw new IllegalStateException("the ONNX graph already has a value named '" + name + "'");
        }
        return name;
    }

    private TensorProto.Builder tensor(String name, TensorProto.DataType type, long... shape) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(claim(name)).setDataType(type.getNumber());
        for (long d : shape) {
            t.addDims(d);
        }
        return t;
    }

    private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, Dim... shape) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (Dim d : shape) {
            s.addDim(d.param() != null ? TensorShapeProto.Dimension.newBuilder().setDimParam(d.param())
                    : d.size() < 0 ? TensorShapeProto.Dimension.newBuilder()
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d.size()));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(s)))
                .build();
    }
}
