package org.recsys4j.serving;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.recsys4j.index.TopK;

/**
 * The answer of {@code :recommend} and {@code :similar}, written byte by byte into a buffer each
 * thread keeps: the same bytes as Jackson's generator writes (its string escaping, its
 * {@code Float.toString} scores, {@code "NaN"} quoted), at a fraction of the CPU. Every request
 * pays for this answer, and the generator's setup (a generator, an I/O context, a context per
 * object, a growing output stream and its final copy) cost more than the writing itself.
 */
final class RankedJson {
    private static final ThreadLocal<RankedJson> BUFFERS = ThreadLocal.withInitial(RankedJson::new);
    private static final byte[] MODEL_SPEC = bytes("{\"model_spec\":{\"name\":");
    private static final byte[] VERSION = bytes(",\"version\":\"");
    private static final byte[] SIGNATURE = bytes("\",\"signature_name\":\"" + Responses.SIGNATURE + "\"}");
    private static final byte[] ID = bytes("{\"id\":");
    private static final byte[] LABEL = bytes(",\"label\":");
    private static final byte[] SCORE = bytes(",\"score\":");
    private static final byte[] TRUE = bytes("true");
    private static final byte[] FALSE = bytes("false");

    private byte[] buf = new byte[4096];
    private int n;

    private RankedJson() {
    }

    /**
     * {@code {"model_spec": {...}, <extra>..., "<field>": [{"id", "label"?, "score"}, ...]}};
     * {@code extra}'s values are strings or booleans.
     */
    static byte[] write(String model, long version, String field, TopK top, Map<String, Object> extra,
            Map<String, String> labels) {
        RankedJson w = BUFFERS.get();
        w.n = 0;
        w.put(MODEL_SPEC);
        w.string(model);
        w.put(VERSION);
        w.ascii(Long.toString(version));
        w.put(SIGNATURE);
        for (var e : extra.entrySet()) {
            w.put((byte) ',');
            w.string(e.getKey());
            w.put((byte) ':');
            if (e.getValue() instanceof Boolean b) {
                w.put(b ? TRUE : FALSE);
            } else if (e.getValue() instanceof String s) {
                w.string(s);
            } else {
                throw new IllegalArgumentException("extra field " + e.getKey() + " is neither a string nor a boolean");
            }
        }
        w.put((byte) ',');
        w.string(field);
        w.put((byte) ':');
        w.put((byte) '[');
        List<String> ids = top.identifiers();
        float[] scores = top.scores();
        for (int i = 0; i < scores.length; i++) {
            if (i > 0) {
                w.put((byte) ',');
            }
            w.put(ID);
            String id = ids.get(i);
            w.string(id);
            String label = labels.get(id);
            if (label != null) {
                w.put(LABEL);
                w.string(label);
            }
            w.put(SCORE);
            w.number(scores[i]);
            w.put((byte) '}');
        }
        w.put((byte) ']');
        w.put((byte) '}');
        return Arrays.copyOf(w.buf, w.n);
    }

    /**
     * A JSON string: plain printable ASCII as it is; anything else as Jackson's generator writes it
     * (its escapes, and a surrogate pair as two escaped UTF-16 units where Jackson's string
     * encoder would write four UTF-8 bytes).
     */
    private void string(String s) {
        int len = s.length();
        ensure(len + 2);
        int at = n;
        buf[at++] = '"';
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') { // n has not moved: start again, escaped
                put(Responses.json(g -> g.writeString(s)));
                return;
            }
            buf[at++] = (byte) c;
        }
        buf[at++] = '"';
        n = at;
    }

    /** As Jackson's {@code writeNumber(float)}: {@code Float.toString}, quoted when not finite. */
    private void number(float f) {
        String s = Float.toString(f);
        if (Float.isFinite(f)) {
            ascii(s);
        } else {
            put((byte) '"');
            ascii(s);
            put((byte) '"');
        }
    }

    private void ascii(String s) {
        int len = s.length();
        ensure(len);
        for (int i = 0; i < len; i++) {
            buf[n++] = (byte) s.charAt(i);
        }
    }

    private void put(byte b) {
        ensure(1);
        buf[n++] = b;
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, n, bytes.length);
        n += bytes.length;
    }

    private void ensure(int more) {
        if (n + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
