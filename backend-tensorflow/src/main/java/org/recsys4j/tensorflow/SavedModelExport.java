package org.recsys4j.tensorflow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.io.AtomicFiles;
import org.recsys4j.model.Embeddings;
import org.recsys4j.vocab.StringLookup;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.op.nn.TopK;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;

/**
 * Writes a clean serving graph as a TensorFlow SavedModel, as the TFRS tutorial's
 * {@code tf.saved_model.save(index, path)} does: raw string query ids in (the input is named after
 * the query feature, e.g. {@code user_id}); vocabulary lookup,
 * query tower, scores against every indexed candidate, top k; scores and candidate identifiers
 * out. No optimizer slots, no training ops.
 *
 * <p>The lookup compares the ids with the vocabulary inside the graph (unknown ids get row 0, the
 * OOV row). That needs no table initialiser, which TensorFlow Java's exporter would not record.
 * It costs O(vocabulary) per query, fine for the vocabularies served here.
 */
public final class SavedModelExport {
    public static final String SIGNATURE = Signature.DEFAULT_KEY;
    public static final String SCORES = "scores";
    public static final String IDENTIFIERS = "identifiers";

    private SavedModelExport() {
    }

    /**
     * Exports to {@code <dir>/<version>/} (the layout TensorFlow Serving expects), whole or not at
     * all, and returns that directory.
     *
     * @param candidateIds the identifiers returned, one per row of {@code candidates}
     * @param candidates the candidate embeddings to score (the index)
     * @param k how many results per query
     */
    public static Path export(ModelBundle bundle, List<String> candidateIds, Embeddings candidates, int k, Path dir,
            int version) throws IOException {
        if (candidateIds.size() != candidates.rows()) {
            throw new IllegalArgumentException(candidateIds.size() + " identifiers for " + candidates.rows()
                    + " candidate embeddings");
        }
        Path target = dir.resolve(Integer.toString(version));
        if (Files.exists(target)) {
            throw new IOException(target + " already exists; export to a new version number");
        }
        AtomicFiles.removeLeftovers(dir);
        StringLookup vocabulary = bundle.vocabulary(bundle.spec().query());
        int kk = Math.min(k, candidateIds.size());
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            String input = bundle.spec().query().feature();
            Placeholder<TString> ids = tf.withName(input).placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
            Operand<TInt32> rows = lookup(tf, ids, vocabulary);
            TowerGraph tower = new TowerGraph(tf, bundle.spec().query());
            Operand<TFloat32> q = tower.forward(tf, rows);
            Variable<TFloat32> index = tf.withName("candidate_embeddings")
                    .variable(Shape.of(candidates.rows(), candidates.dim()), TFloat32.class);
            Placeholder<TFloat32> indexValue = tf.withName("candidate_embeddings_value")
                    .placeholder(TFloat32.class, Placeholder.shape(Shape.of(candidates.rows(), candidates.dim())));
            var indexInit = tf.assign(index, indexValue);
            TopK<TFloat32, TInt32> top = tf.nn.topK(tf.linalg.matMul(q, index, MatMul.transposeB(true)),
                    tf.constant(kk), new TopK.Options[0]);
            Operand<TFloat32> scores = tf.withName(SCORES).identity(top.values());
            Operand<TString> identifiers = tf.withName(IDENTIFIERS).identity(tf.gather(
                    tf.constant(StandardCharsets.UTF_8, candidateIds.toArray(String[]::new)), top.indices(),
                    tf.constant(0)));
            Signature signature = Signature.builder().key(SIGNATURE).methodName("tensorflow/serving/predict")
                    .input(input, ids).output(SCORES, scores).output(IDENTIFIERS, identifiers).build();
            try (Session session = new Session(graph)) {
                List<Tensor> owned = new ArrayList<>();
                try {
                    Session.Runner init = session.runner();
                    tower.feedInitial(init, bundle.weights(), owned);
                    TFloat32 value = TFloat32.tensorOf(Shape.of(candidates.rows(), candidates.dim()),
                            DataBuffers.of(candidates.data(), true, false));
                    owned.add(value);
                    init.feed(indexValue, value).addTarget(indexInit).run().close();
                } finally {
                    owned.forEach(Tensor::close);
                }
                // staged beside the versions and renamed into place: TensorFlow Serving never sees a
                // partly written newest version, and a killed export leaves only a hidden directory
                return AtomicFiles.writeNewDirectory(target, staging -> SavedModelBundle.exporter(staging.toString())
                        .withSession(session).withSignature(signature).export());
            }
        }
    }

    /** Row of each id: 1..n for the vocabulary, 0 (OOV) for anything else. */
    static Operand<TInt32> lookup(Ops tf, Operand<TString> ids, StringLookup vocabulary) {
        int n = vocabulary.vocabulary().size();
        Operand<TString> vocab = tf.reshape(
                tf.constant(StandardCharsets.UTF_8, vocabulary.vocabulary().toArray(String[]::new)),
                tf.constant(new int[] {1, n}));
        Operand<TInt32> matches = tf.dtypes.cast(
                tf.math.equal(tf.reshape(ids, tf.constant(new int[] {-1, 1})), vocab), TInt32.class);
        return tf.reduceSum(tf.math.mul(matches, tf.range(tf.constant(1), tf.constant(n + 1), tf.constant(1))),
                tf.constant(1));
    }

    /** Serves an exported SavedModel: top-k identifiers and scores for raw query ids. */
    public static final class Served implements AutoCloseable {
        private final SavedModelBundle model;
        private final String input;

        public Served(Path versionDir) {
            this.model = SavedModelBundle.load(versionDir.toString(), SavedModelBundle.DEFAULT_TAG);
            this.input = model.function(SIGNATURE).signature().inputNames().iterator().next();
        }

        public List<org.recsys4j.index.TopK> query(String... queryIds) {
            try (TString in = TString.vectorOf(queryIds);
                    var result = model.function(SIGNATURE).call(Map.of(input, in))) {
                TFloat32 scores = (TFloat32) result.get(SCORES).orElseThrow();
                TString ids = (TString) result.get(IDENTIFIERS).orElseThrow();
                int k = (int) scores.shape().get(1);
                List<org.recsys4j.index.TopK> out = new ArrayList<>();
                for (int i = 0; i < queryIds.length; i++) {
                    List<String> names = new ArrayList<>(k);
                    float[] s = new float[k];
                    for (int j = 0; j < k; j++) {
                        names.add(ids.getObject(i, j));
                        s[j] = scores.getFloat(i, j);
                    }
                    out.add(new org.recsys4j.index.TopK(names, s));
                }
                return out;
            }
        }

        @Override
        public void close() {
            model.close();
        }
    }

}
