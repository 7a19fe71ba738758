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
     * @param context per context feature, its rows (categorical) or values (numeric), one per
     *     output; a missing categorical feature reads row 0 and a missing numeric one is 0
     */
    public static float[] sum(TowerSpec spec, Map<String, float[]> tables, int[] rows, Features context) {
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
            Features context) {
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

    /** A numeric feature's values out of {@code context}; zeros (the mean) when the caller has none. */
    public static float[] numericValues(FeatureSpec f, Features context, int n) {
        float[] values = context == null ? null : context.values(f.name());
        if (values == null) {
            return new float[n];
        }
        checkLength(f, values.length, n);
        return values;
    }

    /**
     * A context feature's rows (row 0 when the caller has none), checked against its vocabulary,
     * or null for a derived feature.
     */
    public static int[] contextValues(FeatureSpec f, Features context, int n) {
        if (f.numeric()) {
            throw new IllegalArgumentException("feature '" + f.name() + "' is numeric; it has values, not rows");
        }
        if (!f.fromContext()) {
            return null;
        }
        int[] values = context == null ? null : context.rows(f.name());
        if (values == null) {
            return new int[n];
        }
        checkLength(f, values.length, n);
        for (int v : values) {
            if (v < 0 || v >= f.vocabularySize()) {
                throw new IllegalArgumentException("feature '" + f.name() + "': row " + v + " is outside its"
                        + " vocabulary of " + f.vocabularySize());
            }
        }
        return values;
    }

    private static void checkLength(FeatureSpec f, int length, int n) {
        if (length != n) {
            throw new IllegalArgumentException("feature '" + f.name() + "' has " + length + " values for "
                    + n + " examples");
        }
    }

    private static void add(float[] to, int toOffset, float[] from, int fromOffset, int d, float scale) {
        for (int k = 0; k < d; k++) {
            to[toOffset + k] += scale * from[fromOffset + k];
        }
    }

    private static final float CLAMPED_SCALE =
            (float) (1.0 / Math.sqrt(org.recsys4j.spec.TowerSpec.NORMALIZE_EPSILON));

    /**
     * Rows of {@code x} scaled to unit length, as {@code tf.math.l2_normalize(x, axis=1,
     * epsilon=1e-12)}: {@code x / sqrt(max(|x|^2, 1e-12))}. Returns each row's scale (for a
     * backward pass) after overwriting {@code x}.
     */
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

    /**
     * The tower's context features out of a batch's columns: each one present, and of its type
     * (a categorical feature as rows, a numeric one as values).
     */
    public static Features context(TowerSpec spec, Features features) {
        List<FeatureSpec> ctx = spec.contextFeatures();
        if (ctx.isEmpty()) {
            return Features.none();
        }
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        for (FeatureSpec f : ctx) {
            if (!features.has(f.name())) {
                throw new IllegalArgumentException("tower '" + spec.name() + "' reads context feature '" + f.name()
                        + "' but the batch has only " + features.names());
            }
            if (f.numeric() != features.isNumeric(f.name())) {
                throw new IllegalArgumentException("tower '" + spec.name() + "' reads feature '" + f.name() + "' as "
                        + (f.numeric() ? "numeric values" : "vocabulary rows") + " but the batch has it as "
                        + (f.numeric() ? "vocabulary rows" : "numeric values"));
            }
            names.add(f.name());
        }
        return features.only(names);
    }
}
