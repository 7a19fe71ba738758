package org.recsys4j.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.io.Checksums;
import org.recsys4j.model.FloatTensor;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw little-endian data. numpy, PyTorch and the
 * {@code safetensors} package read it; we write float32 (weights) or int32 (sparse rows), one dtype a
 * file, and read it strictly.
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    private Safetensors() {
    }

    /**
     * Writes float32 tensors to a new file (one already there is an error), forced to disk, and
     * returns its SHA-256, computed on the way out.
     */
    public static String write(Path file, Map<String, FloatTensor> tensors, Map<String, String> metadata)
            throws IOException {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        tensors.forEach((name, t) -> shapes.put(name, t.shape()));
        MessageDigest digest = Checksums.sha256();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream out = new DigestOutputStream(Channels.newOutputStream(ch), digest);
            out.write(header(shapes, "F32", metadata));
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (FloatTensor t : tensors.values()) {
                for (float v : t.data()) {
                    if (!buf.hasRemaining()) {
                        out.write(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                    buf.putFloat(v);
                }
            }
            out.write(buf.array(), 0, buf.position());
            ch.force(true);
        }
        return Checksums.hex(digest);
    }

    /**
     * Writes one-dimensional int32 ({@code I32}) tensors, e.g. the rows and offsets of a sparse
     * matrix, to a stream (of {@code AtomicFiles.write}, say).
     */
    public static void writeInt32(OutputStream out, Map<String, int[]> tensors, Map<String, String> metadata)
            throws IOException {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        tensors.forEach((name, t) -> shapes.put(name, new int[] {t.length}));
        {
            out.write(header(shapes, "I32", metadata));
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (int[] t : tensors.values()) {
                for (int v : t) {
                    if (!buf.hasRemaining()) {
                        out.write(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                    buf.putInt(v);
                }
            }
            out.write(buf.array(), 0, buf.position());
        }
    }

    /** The length-prefixed JSON header for tensors of one 4-byte dtype, laid out in map order. */
    private static byte[] header(Map<String, int[]> shapes, String dtype, Map<String, String> metadata)
            throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (var e : shapes.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dtype);
            var shape = t.putArray("shape");
            long count = 1;
            for (int d : e.getValue()) {
                shape.add(d);
                count *= d;
            }
            long bytes = 4L * count;
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8; // aligned data, as the reference writer does
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        return head.array();
    }

    /**
     * Reads every float32 tensor; a truncated or inconsistent file is rejected with what is wrong in
     * it. Every byte of the file passes through {@code digest} once, in order, so that the caller
     * can compare its checksum without opening the file again.
     */
    public static Map<String, FloatTensor> read(Path file, MessageDigest digest) throws IOException {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        readRaw(file, "F32", digest, (name, shape, data) -> {
            float[] values = new float[data.capacity() / 4];
            data.asFloatBuffer().get(values);
            out.put(name, new FloatTensor(shape, values));
        });
        return out;
    }

    /** Reads every tensor of a file of one-dimensional {@code I32} tensors, strictly as {@link #read} does. */
    public static Map<String, int[]> readInt32(Path file) throws IOException {
        Map<String, int[]> out = new LinkedHashMap<>();
        readRaw(file, "I32", Checksums.sha256(), (name, shape, data) -> {
            if (shape.length != 1) {
                throw damaged(file, "tensor '" + name + "' has " + shape.length + " dimensions; 1 expected");
            }
            int[] values = new int[data.capacity() / 4];
            data.asIntBuffer().get(values);
            out.put(name, values);
        });
        return out;
    }

    @FunctionalInterface
    private interface TensorSink {
        void accept(String name, int[] shape, ByteBuffer littleEndianData) throws IOException;
    }

    private static void readRaw(Path file, String dtype, MessageDigest digest, TensorSink sink)
            throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            JsonNode header = header(ch, file, digest);
            long headerLen = ch.position() - 8;
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            List<Entry> entries = entries(file, header, dtype);
            long expected = 0;
            for (Entry e : entries) {
                if (e.begin != expected) {
                    throw damaged(file, "tensor '" + e.name + "' starts at byte " + e.begin + ", expected " + expected);
                }
                expected = e.end;
            }
            if (expected != dataLen) {
                throw damaged(file, "the tensors need " + expected + " bytes of data but the file has " + dataLen
                        + (expected > dataLen ? " (truncated?)" : " (trailing bytes)"));
            }
            for (Entry e : entries) {
                ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(e.end - e.begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, data, dataStart + e.begin, file, digest);
                data.flip();
                sink.accept(e.name, e.shape, data);
            }
        }
    }

    /** The {@code __metadata__} map of a file, empty if it has none; the header is checked as by {@link #read}. */
    public static Map<String, String> metadata(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            header(ch, file, Checksums.sha256()).path("__metadata__").fields()
                    .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        }
        return out;
    }

    /** Reads and checks the length and the JSON header; leaves the channel's position at the data. */
    private static JsonNode header(FileChannel ch, Path file, MessageDigest digest) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw damaged(file, "it has " + size + " bytes, too short for a header");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0, file, digest);
        long headerLen = lenBuf.flip().getLong();
        if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
            throw damaged(file, "its header length " + headerLen + " does not fit a file of " + size + " bytes");
        }
        ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
        readFully(ch, headerBuf, 8, file, digest);
        ch.position(8 + headerLen);
        JsonNode header;
        try {
            header = JSON.readTree(new String(headerBuf.array(), StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw damaged(file, "its header is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (header == null || !header.isObject()) {
            throw damaged(file, "its header is not a JSON object");
        }
        return header;
    }

    private record Entry(String name, int[] shape, long begin, long end) {
    }

    private static List<Entry> entries(Path file, JsonNode header, String dtype) throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            var f = it.next();
            if (f.getKey().equals("__metadata__")) {
                continue;
            }
            String name = f.getKey();
            JsonNode t = f.getValue();
            if (!dtype.equals(t.path("dtype").asText())) {
                throw damaged(file, "tensor '" + name + "' has dtype " + t.path("dtype") + "; only " + dtype
                        + " is supported here");
            }
            JsonNode shapeNode = t.path("shape");
            JsonNode offsets = t.path("data_offsets");
            if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
                throw damaged(file, "tensor '" + name + "' lacks a shape or data_offsets");
            }
            int[] shape = new int[shapeNode.size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                if (!shapeNode.get(i).canConvertToInt() || shapeNode.get(i).asInt() < 0) {
                    throw damaged(file, "tensor '" + name + "' has a bad shape " + shapeNode);
                }
                shape[i] = shapeNode.get(i).asInt();
                count *= shape[i];
            }
            long begin = offsets.get(0).asLong(-1);
            long end = offsets.get(1).asLong(-1);
            if (begin < 0 || end < begin || end - begin != 4 * count) {
                throw damaged(file, "tensor '" + name + "' of shape " + shapeNode + " has data_offsets " + offsets);
            }
            entries.add(new Entry(name, shape, begin, end));
        }
        entries.sort((a, b) -> Long.compare(a.begin, b.begin));
        return entries;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file, MessageDigest digest)
            throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw damaged(file, "it ends early, at byte " + pos);
            }
            pos += r;
        }
        digest.update(buf.array(), 0, buf.position());
    }

    private static BundleFormatException damaged(Path file, String problem) {
        return new BundleFormatException(file, file + " is not a valid safetensors file: " + problem);
    }
}
