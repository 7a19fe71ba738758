package org.recsys4j.model;

import java.util.List;
import java.util.Map;
import org.recsys4j.spec.FeatureSpec;
import org.recsys4j.spec.TowerSpec;

/**
 * The input layer of a tower in plain Java: the id's embedding plus every feature's (a derived
 * feature's values averaged, a context feature's one value, a numeric feature's value times its
 * one-row table), and the gradient of that sum
 * scattered back onto the tables. Used by the Java reference tower and by trainers that keep
 * their tables as Java arrays.
 */
public final class TowerInputs {
    private TowerInputs() {
    }

    /**
     * @param tables the tower's tables by weight name
     * @param rows id rows, one per output
     * @param context per context feature, its rows (one per output); a missing feature reads row 0.
     *     A numeric feature's values come as their float bits ({@link #encodeNumeric}); missing, 0
     */
    public static float[] sum(TowerSpec spec, Map<String, float[]> tables, int[] rows, Map<String, int[]> context) {
        int d = spec.embeddingDim();
        float[] x = Embeddings.gather(tables.get(spec.embeddingName()), d, rows).data();
        for (FeatureSpec f : spec.features()) {
            float[] table = tables.get(spec.featureEmbeddingName(f));
            if (f.numeric()) {
                float[] numbers = numericValues(f, context, rows.length);
                for (int i = 0; i < rows.length; i++) {
                    add(x, i * d, table, 0, d, numbers[i]);
                }
                continue;
            }
            int[] values = contextValues(f, context, rows.length);
            for (int i = 0; i < rows.length; i++) {
                if (values != null) {
                    add(x, i * d, table, values[i] * d, d, 1f);
                } else {
                    int[] derived = f.valuesByIdRow()[rows[i]];
                    for (int v : derived) {
                        add(x, i * d, table, v * d, d, 1f / derived.length);
                    }
                }
            }
        }
        return x;
    }

    /** Adds {@code grad} (one row per output of {@link #sum}) into each feature table's gradient. */
    public static void scatterFeatures(TowerSpec spec, Map<String, float[]> tableGradients, float[] grad, int[] rows,
            Map<String, int[]> context) {
        int d = spec.embeddingDim();
        for (FeatureSpec f : spec.features()) {
            float[] g = tableGradients.get(spec.featureEmbeddingName(f));
            if (f.numeric()) {
                // d(value * w)/dw: the one row gets sum_i value_i * grad_i
                float[] numbers = numericValues(f, context, rows.length);
                for (int i = 0; i < rows.length; i++) {
                    add(g, 0, grad, i * d, d, numbers[i]);
                }
                continue;
            }
            int[] values = contextValues(f, context, rows.length);
            for (int i = 0; i < rows.length; i++) {
                if (values != null) {
                    add(g, values[i] * d, grad, i * d, d, 1f);
                } else {
                    int[] derived = f.valuesByIdRow()[rows[i]];
                    for (int v : derived) {
                        add(g, v * d, grad, i * d, d, 1f / derived.length);
                    }
                }
            }
        }
    }

    /** Floats as the {@code int[]} a batch or a context map carries them in: their raw bits. */
    public static int[] encodeNumeric(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Float.floatToRawIntBits(values[i]);
        }
        return out;
    }

    /** As {@link #encodeNumeric(float[])}, from doubles rounded to float. */
    public static int[] encodeNumeric(double[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Float.floatToRawIntBits((float) values[i]);
        }
        return out;
    }

    /** The floats back from their bits. */
    public static float[] decodeNumeric(int[] bits) {
        float[] out = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            out[i] = Float.intBitsToFloat(bits[i]);
        }
        return out;
    }

    /** A numeric feature's values, decoded from the context map; zeros (the mean) when the caller has none. */
    public static float[] numericValues(FeatureSpec f, Map<String, int[]> context, int n) {
        int[] bits = context == null ? null : context.get(f.name());
        if (bits == null) {
            return new float[n];
        }
        if (bits.length != n) {
            throw new IllegalArgumentException("feature '" + f.name() + "' has " + bits.length + " values for "
                    + n + " examples");
        }
        return decodeNumeric(bits);
    }

    /** A context feature's rows (row 0 when the caller has none), or null for a derived feature. */
    static int[] contextValues(FeatureSpec f, Map<String, int[]> context, int n) {
        if (f.numeric()) {
            throw new IllegalArgumentException("feature '" + f.name() + "' is numeric; it has values, not rows");
        }
        if (!f.fromContext()) {
            return null;
        }
        int[] values = context == null ? null : context.get(f.name());
        if (values == null) {
            return new int[n];
        }
        if (values.length != n) {
            throw new IllegalArgumentException("feature '" + f.name() + "' has " + values.length + " values for "
                    + n + " examples");
        }
        for (int v : values) {
            if (v < 0 || v >= f.vocabularySize()) {
                throw new IllegalArgumentException("feature '" + f.name() + "': row " + v + " is outside its"
                        + " vocabulary of " + f.vocabularySize());
            }
        }
        return values;
    }

    private static void add(float[] to, int toOffset, float[] from, int fromOffset, int d, float scale) {
        for (int k = 0; k < d; k++) {
            to[toOffset + k] += scale * from[fromOffset + k];
        }
    }

    /**
     * Rows of {@code x} scaled to unit length, as {@code tf.math.l2_normalize(x, axis=1,
     * epsilon=1e-12)}: {@code x / sqrt(max(|x|^2, 1e-12))}. Returns each row's scale (for a
     * backward pass) after overwriting {@code x}.
     */
    private static final float CLAMPED_SCALE =
            (float) (1.0 / Math.sqrt(org.recsys4j.spec.TowerSpec.NORMALIZE_EPSILON));

    public static float[] normalizeRows(float[] x, int n, int width) {
        float[] scale = new float[n];
        for (int i = 0; i < n; i++) {
            double sq = 0;
            for (int k = 0; k < width; k++) {
                sq += (double) x[i * width + k] * x[i * width + k];
            }
            scale[i] = (float) (1.0 / Math.sqrt(Math.max(sq, org.recsys4j.spec.TowerSpec.NORMALIZE_EPSILON)));
            for (int k = 0; k < width; k++) {
                x[i * width + k] *= scale[i];
            }
        }
        return scale;
    }

    /**
     * The gradient through {@link #normalizeRows}: with y the normalised rows and s their scales,
     * {@code dx = s (dy - y (y . dy))}, or {@code s dy} where the norm was clamped.
     */
    public static float[] normalizeRowsBackward(float[] y, float[] scale, float[] dy, int n, int width) {
        float[] dx = new float[n * width];
        for (int i = 0; i < n; i++) {
            double dot = 0;
            double sq = 0;
            for (int k = 0; k < width; k++) {
                dot += (double) y[i * width + k] * dy[i * width + k];
                sq += (double) y[i * width + k] * y[i * width + k];
            }
            // a clamped norm is a constant: no projection then
            boolean clamped = scale[i] >= CLAMPED_SCALE;
            for (int k = 0; k < width; k++) {
                double projected = clamped ? dy[i * width + k] : dy[i * width + k] - y[i * width + k] * dot;
                dx[i * width + k] = (float) (scale[i] * projected);
            }
        }
        return dx;
    }

    /**
     * The tower's output with its bias column appended ({@link org.recsys4j.spec.OutputBias}): the
     * learned scalar of each row, or 1; {@code x} unchanged without one.
     */
    public static float[] appendBias(TowerSpec spec, float[] x, int[] rows, int width, float[] scoreBias) {
        if (spec.outputBias() == org.recsys4j.spec.OutputBias.NONE) {
            return x;
        }
        float[] out = new float[rows.length * (width + 1)];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(x, i * width, out, i * (width + 1), width);
            out[i * (width + 1) + width] = scoreBias != null ? scoreBias[rows[i]] : 1f;
        }
        return out;
    }

    /** The context features' rows out of a batch's features, by name. */
    public static Map<String, int[]> context(TowerSpec spec, Map<String, int[]> features) {
        List<FeatureSpec> ctx = spec.contextFeatures();
        if (ctx.isEmpty()) {
            return Map.of();
        }
        Map<String, int[]> out = new java.util.LinkedHashMap<>();
        for (FeatureSpec f : ctx) {
            int[] v = features.get(f.name());
            if (v == null) {
                throw new IllegalArgumentException("tower '" + spec.name() + "' reads context feature '" + f.name()
                        + "' but the batch has only " + features.keySet());
            }
            out.put(f.name(), v);
        }
        return out;
    }
}
