package org.recsys4j.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.recsys4j.bundle.BundleExtra;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.io.Checksums;
import org.recsys4j.io.FileChecks;
import org.recsys4j.io.FormatHeader;
import org.recsys4j.io.JsonFiles;
import org.recsys4j.io.Text;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Tower;

/**
 * Saves a {@link ScannIndex} inside a model bundle, as the extra {@code index} (a directory
 * {@code index-N/} that {@code model.json} names), and loads it back without rebuilding. Two
 * files, readable without this library:
 *
 * <ul>
 *   <li>{@code index.json}: format and version, the index type and its parameters, the counts,
 *       the SHA-256 of the bundle weights it was built from, and where each section of the data
 *       file starts, its type and shape, with the data file's size and SHA-256.
 *   <li>{@code index.bin}: the magic bytes {@code r4jscann}, then the sections, little-endian:
 *       {@code identifiers} (per candidate an int32 byte length and UTF-8 bytes),
 *       {@code embeddings} (float32, candidates x dim), {@code centres} (float32, leaves x dim),
 *       {@code leaf_offsets} (int32, leaves + 1), {@code leaf_positions} (int32, candidates),
 *       {@code codebooks} (float32, blocks x codewords x dimensionsPerBlock) and {@code codes}
 *       (uint8, candidates x blocks, stored leaf by leaf in leaf_positions' order and, within a
 *       leaf, block by block: all its first bytes, then all its second bytes, ...).
 * </ul>
 *
 * <p>Writes are atomic (committed with the bundle, see {@code BundleIO}). Loading checks the format version, the
 * size and checksum of the data file, every section's place and shape, and the structure itself,
 * and names the file and what is wrong with it.
 */
public final class ScannIndexIO {
    /** The extra's name in a bundle's {@code model.json}, and the stem of its directories. */
    public static final String EXTRA = "index";
    public static final String META_FILE = "index.json";
    public static final String DATA_FILE = "index.bin";
    /** 1: the layout above. */
    public static final FormatHeader HEADER = new FormatHeader("recsys4j-index", 1, 1);
    public static final String TYPE = "scann";
    static final byte[] MAGIC = "r4jscann".getBytes(StandardCharsets.US_ASCII);

    private static final ObjectMapper JSON = JsonFiles.MAPPER;

    private ScannIndexIO() {
    }

    /** Whether the bundle committed in {@code bundleDir} holds a saved index. */
    public static boolean exists(Path bundleDir) {
        try {
            return BundleIO.files(bundleDir).extras().containsKey(EXTRA);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Saves {@code index} in the bundle in {@code bundleDir}, replacing any index there: the bundle
     * is committed again, the same model with this index, in one step.
     */
    public static void save(ScannIndex index, Path bundleDir) throws IOException {
        if (!Files.isDirectory(bundleDir)) {
            throw new NoSuchFileException(bundleDir.toString(), null, "save the bundle first, then its index");
        }
        BundleIO.save(BundleIO.load(bundleDir), bundleDir, inBundle(index));
    }

    /** The index as part of a bundle being saved: {@code BundleIO.save(bundle, dir, ScannIndexIO.inBundle(index))}. */
    public static BundleExtra inBundle(ScannIndex index) {
        return BundleExtra.of(EXTRA, (dir, weightsSha256) -> write(index, dir, weightsSha256));
    }

    /**
     * Loads the index saved in {@code bundleDir}, answering raw queries through {@code queryTower}
     * (may be null). If the bundle's weights changed since the index was built, that is an error:
     * the index would answer for the old model.
     */
    public static ScannIndex load(Path bundleDir, Tower queryTower) throws IOException {
        return BundleIO.readExtra(bundleDir, EXTRA, (dir, weightsSha256) -> read(dir, weightsSha256, queryTower));
    }

    private static ScannIndex read(Path dir, String bundleWeightsSha256, Tower queryTower) throws IOException {
        Path meta = dir.resolve(META_FILE);
        JsonNode root = JsonFiles.readObject(meta, "an index's " + META_FILE + " (a JSON object starting"
                + " {\"format\": \"" + HEADER.name() + "\", ...})", IndexFormatException::new);
        HEADER.check(meta, root, IndexFormatException::new);
        if (!TYPE.equals(root.path("type").asText())) {
            throw new IndexFormatException(meta, meta + ": index type " + Text.cut(root.path("type").toString())
                    + " is not supported; this recsys4j reads \"" + TYPE + "\"");
        }
        String builtFor = root.path("weightsSha256").asText("");
        if (!builtFor.isEmpty() && !bundleWeightsSha256.isEmpty() && !builtFor.equalsIgnoreCase(bundleWeightsSha256)) {
            throw new IndexFormatException(meta, meta + ": the index was built for weights with SHA-256 "
                    + Text.cut(builtFor) + " but the bundle's weights are " + bundleWeightsSha256
                    + "; rebuild the index for this model");
        }
        ScannParameters parameters = JsonFiles.field(meta, root, "parameters", ScannParameters.class,
                IndexFormatException::new);
        Layout layout = Layout.of(meta, root);
        Path data = dir.resolve(DATA_FILE);
        long size = FileChecks.requireRegularFile(data, "the index data (" + DATA_FILE + ")",
                IndexFormatException::new);
        long expectedSize = root.path("data").path("bytes").asLong(-1);
        if (size != expectedSize) {
            throw new IndexFormatException(data, data + " is damaged: it has " + size + " bytes but " + META_FILE
                    + " records " + expectedSize + (size < expectedSize ? " (truncated?)" : ""));
        }
        Checksums.verify(data, root.path("data").path("sha256").asText(""), Checksums.sha256(data), meta.toString(),
                IndexFormatException::new);
        ScannStructure structure = read(data, meta, root.path("sections"), layout, size);
        try {
            return new ScannIndex(queryTower, parameters, structure);
        } catch (IllegalArgumentException e) {
            throw new IndexFormatException(dir, dir + ": " + e.getMessage(), e);
        }
    }

    // ---- writing

    private static void write(ScannIndex index, Path dir, String weightsSha256) throws IOException {
        ScannStructure s = index.structure();
        ProductQuantizer pq = s.quantizer();
        int n = s.size();
        int d = s.dim();
        int leaves = s.leaves();
        byte[][] ids = new byte[n][];
        long idBytes = 0;
        for (int i = 0; i < n; i++) {
            ids[i] = s.identifiers()[i].getBytes(StandardCharsets.UTF_8);
            idBytes += 4 + ids[i].length;
        }
        List<Section> sections = new ArrayList<>();
        long offset = MAGIC.length;
        offset = add(sections, "identifiers", "utf8", new long[] {n}, offset, idBytes);
        offset = add(sections, "embeddings", "F32", new long[] {n, d}, offset, 4L * n * d);
        offset = add(sections, "centres", "F32", new long[] {leaves, d}, offset, 4L * leaves * d);
        offset = add(sections, "leaf_offsets", "I32", new long[] {leaves + 1}, offset, 4L * (leaves + 1));
        offset = add(sections, "leaf_positions", "I32", new long[] {n}, offset, 4L * n);
        offset = add(sections, "codebooks", "F32", new long[] {pq.blocks(), pq.codewords(), pq.dimensionsPerBlock()},
                offset, 4L * pq.codebooks().length);
        long total = add(sections, "codes", "U8", new long[] {n, pq.blocks()}, offset, (long) n * pq.blocks());

        Path data = dir.resolve(DATA_FILE);
        try (LittleEndianOut out = new LittleEndianOut(Files.newOutputStream(data))) {
            out.bytes(MAGIC);
            for (byte[] id : ids) {
                out.int32(id.length);
                out.bytes(id);
            }
            out.floats(s.candidates().data());
            out.floats(s.centres());
            out.ints(s.leafOffsets());
            out.ints(s.leafPositions());
            out.floats(pq.codebooks());
            out.bytes(s.codes());
        }

        ObjectNode root = JSON.createObjectNode();
        HEADER.writeTo(root);
        root.put("type", TYPE);
        root.set("parameters", JSON.valueToTree(index.parameters()));
        root.put("candidates", n);
        root.put("dimension", d);
        root.put("leaves", leaves);
        root.put("dimensionsPerBlock", pq.dimensionsPerBlock());
        root.put("blocks", pq.blocks());
        root.put("codewords", pq.codewords());
        if (weightsSha256 != null) {
            root.put("weightsSha256", weightsSha256);
        }
        ObjectNode file = root.putObject("data");
        file.put("file", DATA_FILE);
        file.put("bytes", total);
        file.put("sha256", Checksums.sha256(data));
        ArrayNode list = root.putArray("sections");
        for (Section section : sections) {
            ObjectNode o = list.addObject();
            o.put("name", section.name);
            o.put("dtype", section.dtype);
            ArrayNode shape = o.putArray("shape");
            for (long v : section.shape) {
                shape.add(v);
            }
            o.put("offset", section.offset);
            o.put("bytes", section.bytes);
        }
        Files.write(dir.resolve(META_FILE), JsonFiles.bytes(root));
    }

    private record Section(String name, String dtype, long[] shape, long offset, long bytes) {
    }

    private static long add(List<Section> sections, String name, String dtype, long[] shape, long offset, long bytes) {
        sections.add(new Section(name, dtype, shape, offset, bytes));
        return offset + bytes;
    }

    // ---- reading

    /** The counts index.json declares; every section's shape must follow from them. */
    private record Layout(int candidates, int dim, int leaves, int dimensionsPerBlock, int blocks, int codewords) {
        static Layout of(Path meta, JsonNode root) throws IndexFormatException {
            int n = count(meta, root, "candidates", 0);
            int d = count(meta, root, "dimension", 1);
            int leaves = count(meta, root, "leaves", 0);
            int dpb = count(meta, root, "dimensionsPerBlock", 1);
            int blocks = count(meta, root, "blocks", 1);
            int codewords = count(meta, root, "codewords", 1);
            if (dpb > d || blocks != ProductQuantizer.blocks(d, dpb)) {
                throw new IndexFormatException(meta, meta + ": " + blocks + " blocks of " + dpb
                        + " dimensions do not fit dimension " + d);
            }
            if (codewords > ProductQuantizer.MAX_CODEWORDS) {
                throw new IndexFormatException(meta, meta + ": " + codewords + " codewords do not fit one byte");
            }
            if ((long) n * d > Integer.MAX_VALUE - 8 || (long) n * blocks > Integer.MAX_VALUE - 8) {
                throw new IndexFormatException(meta, meta + ": " + n + " candidates of dimension " + d
                        + " are more than one Java array holds");
            }
            if (leaves > n || (n > 0 && leaves == 0)) {
                throw new IndexFormatException(meta, meta + ": " + leaves + " leaves for " + n + " candidates");
            }
            return new Layout(n, d, leaves, dpb, blocks, codewords);
        }

        private static int count(Path meta, JsonNode root, String name, int min) throws IndexFormatException {
            JsonNode v = root.get(name);
            if (v == null || !v.canConvertToInt() || v.asInt() < min) {
                throw new IndexFormatException(meta, meta + ": '" + name + "' must be an integer of at least " + min
                        + ", got " + v);
            }
            return v.asInt();
        }
    }

    private static ScannStructure read(Path data, Path meta, JsonNode sections, Layout l, long size)
            throws IOException {
        long n = l.candidates();
        long d = l.dim();
        Object[][] expected = {
            {"identifiers", "utf8", new long[] {n}},
            {"embeddings", "F32", new long[] {n, d}},
            {"centres", "F32", new long[] {l.leaves(), d}},
            {"leaf_offsets", "I32", new long[] {l.leaves() + 1}},
            {"leaf_positions", "I32", new long[] {n}},
            {"codebooks", "F32", new long[] {l.blocks(), l.codewords(), l.dimensionsPerBlock()}},
            {"codes", "U8", new long[] {n, l.blocks()}},
        };
        if (!sections.isArray() || sections.size() != expected.length) {
            throw new IndexFormatException(meta, meta + ": 'sections' must list the " + expected.length + " sections");
        }
        long[] offsets = new long[expected.length + 1];
        offsets[0] = MAGIC.length;
        for (int i = 0; i < expected.length; i++) {
            JsonNode s = sections.get(i);
            String name = (String) expected[i][0];
            long[] shape = (long[]) expected[i][2];
            if (!name.equals(s.path("name").asText()) || !expected[i][1].equals(s.path("dtype").asText())) {
                throw new IndexFormatException(meta,
                        meta + ": section " + i + " must be '" + name + "' of " + expected[i][1]
                        + ", got " + s.path("name") + " of " + s.path("dtype"));
            }
            JsonNode shapeNode = s.path("shape");
            boolean shapeOk = shapeNode.isArray() && shapeNode.size() == shape.length;
            for (int j = 0; shapeOk && j < shape.length; j++) {
                shapeOk = shapeNode.get(j).asLong(-1) == shape[j];
            }
            if (!shapeOk) {
                throw new IndexFormatException(meta,
                        meta + ": section '" + name + "' has shape " + shapeNode + ", the counts"
                        + " give " + java.util.Arrays.toString(shape));
            }
            long offset = s.path("offset").asLong(-1);
            long bytes = s.path("bytes").asLong(-1);
            if (offset != offsets[i] || bytes < 0) {
                throw new IndexFormatException(meta, meta + ": section '" + name + "' at offset " + s.path("offset")
                        + " with " + s.path("bytes") + " bytes; it must start at " + offsets[i]);
            }
            long fixed = switch ((String) expected[i][1]) {
                case "F32", "I32" -> 4 * product(shape);
                case "U8" -> product(shape);
                default -> -1; // identifiers: variable, checked while reading
            };
            if (fixed >= 0 && bytes != fixed) {
                throw new IndexFormatException(meta, meta + ": section '" + name + "' of shape "
                        + java.util.Arrays.toString(shape) + " needs " + fixed + " bytes, it records " + bytes);
            }
            offsets[i + 1] = offset + bytes;
        }
        if (offsets[expected.length] != size) {
            throw new IndexFormatException(data,
                    data + " is damaged: its sections end at byte " + offsets[expected.length]
                    + " but the file has " + size + " bytes");
        }
        try (LittleEndianIn in = new LittleEndianIn(data)) {
            byte[] magic = in.bytes(MAGIC.length);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IndexFormatException(data,
                        data + " is not a recsys4j index data file: it does not start with \""
                        + new String(MAGIC, StandardCharsets.US_ASCII) + "\"");
            }
            String[] ids = identifiers(data, in.bytes(Math.toIntExact(offsets[1] - offsets[0])), l.candidates());
            float[] embeddings = in.floats(l.candidates() * l.dim());
            float[] centres = in.floats(l.leaves() * l.dim());
            int[] leafOffsets = in.ints(l.leaves() + 1);
            int[] leafPositions = in.ints(l.candidates());
            float[] codebooks = in.floats(l.blocks() * l.codewords() * l.dimensionsPerBlock());
            byte[] codes = in.bytes(l.candidates() * l.blocks());
            try {
                ProductQuantizer pq = new ProductQuantizer(l.dim(), l.dimensionsPerBlock(), l.codewords(), codebooks);
                return new ScannStructure(ids, new Embeddings(embeddings, l.candidates(), l.dim()), centres,
                        leafOffsets, leafPositions, pq, codes);
            } catch (IllegalArgumentException e) {
                throw new IndexFormatException(data, data + " is inconsistent: " + e.getMessage(), e);
            }
        }
    }

    /** Splits the identifiers section: per identifier an int32 byte length, then its UTF-8 bytes. */
    private static String[] identifiers(Path data, byte[] section, int n) throws IndexFormatException {
        ByteBuffer b = ByteBuffer.wrap(section).order(ByteOrder.LITTLE_ENDIAN);
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            int len = b.remaining() >= 4 ? b.getInt() : -1;
            if (len < 0 || len > b.remaining()) {
                throw new IndexFormatException(data, data + " is damaged: identifier " + i + " runs past the end of the"
                        + " identifiers section");
            }
            ids[i] = new String(section, b.position(), len, StandardCharsets.UTF_8);
            b.position(b.position() + len);
        }
        if (b.hasRemaining()) {
            throw new IndexFormatException(data,
                    data + " is damaged: " + b.remaining() + " bytes follow the last identifier");
        }
        return ids;
    }

    private static long product(long[] shape) {
        long p = 1;
        for (long v : shape) {
            p *= v;
        }
        return p;
    }

    /** Little-endian values out, buffered. */
    private static final class LittleEndianOut implements AutoCloseable {
        private final OutputStream out;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        LittleEndianOut(OutputStream out) {
            this.out = new BufferedOutputStream(out, 1 << 16);
        }

        void int32(int v) throws IOException {
            room(4);
            buf.putInt(v);
        }

        void bytes(byte[] v) throws IOException {
            flush();
            out.write(v);
        }

        void floats(float[] v) throws IOException {
            for (float f : v) {
                room(4);
                buf.putFloat(f);
            }
        }

        void ints(int[] v) throws IOException {
            for (int i : v) {
                room(4);
                buf.putInt(i);
            }
        }

        private void room(int bytes) throws IOException {
            if (buf.remaining() < bytes) {
                flush();
            }
        }

        private void flush() throws IOException {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
        }

        @Override
        public void close() throws IOException {
            flush();
            out.close();
        }
    }

    /** Little-endian values in, from a file whose size was checked first. */
    private static final class LittleEndianIn implements AutoCloseable {
        private final Path file;
        private final FileChannel channel;
        private long position;

        LittleEndianIn(Path file) throws IOException {
            this.file = file;
            this.channel = FileChannel.open(file, StandardOpenOption.READ);
        }

        long position() {
            return position;
        }

        private ByteBuffer read(int bytes) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) {
                if (channel.read(b, position + b.position()) < 0) {
                    throw new IndexFormatException(file, file + " ends early, at byte " + (position + b.position()));
                }
            }
            position += bytes;
            return b.flip();
        }

        int int32() throws IOException {
            return read(4).getInt();
        }

        byte[] bytes(int n) throws IOException {
            return read(n).array();
        }

        float[] floats(int n) throws IOException {
            float[] out = new float[n];
            for (int from = 0; from < n; from += 1 << 14) {
                int m = Math.min(1 << 14, n - from);
                read(4 * m).asFloatBuffer().get(out, from, m);
            }
            return out;
        }

        int[] ints(int n) throws IOException {
            int[] out = new int[n];
            for (int from = 0; from < n; from += 1 << 14) {
                int m = Math.min(1 << 14, n - from);
                read(4 * m).asIntBuffer().get(out, from, m);
            }
            return out;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
