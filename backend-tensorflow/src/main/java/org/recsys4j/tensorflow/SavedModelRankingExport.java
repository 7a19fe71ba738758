package org.recsys4j.tensorflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.ranking.Ranker;
import org.recsys4j.spec.RankingLoss;
import org.recsys4j.spec.RankingTask;
import org.recsys4j.spec.TowerSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;

/**
 * A ranking task as a TensorFlow SavedModel for TensorFlow Serving: one string input per feature
 * its towers read (e.g. {@code user_id}, {@code movie_title}, each {@code [batch]}), the vocabulary
 * lookups, the towers and the head, and the prediction out under the task's name ({@code rating},
 * {@code [batch, 1]}; under binary cross-entropy the probability). No optimizer slots or labels.
 */
public final class SavedModelRankingExport {
    private SavedModelRankingExport() {
    }

    /** Exports ranking task {@code task} to {@code <dir>/<version>/} and returns that directory. */
    public static Path export(ModelBundle bundle, String task, Path dir, int version) throws IOException {
        RankingTask k = bundle.model().rankingTasks().stream().filter(t -> t.name().equals(task)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the bundle has no ranking task '" + task + "'"));
        Path target = dir.resolve(Integer.toString(version));
        if (Files.exists(target)) {
            throw new IOException(target + " already exists; export to a new version number");
        }
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Map<String, Placeholder<TString>> inputs = new LinkedHashMap<>();
            List<TowerGraph> towers = new ArrayList<>();
            List<Operand<TFloat32>> outputs = new ArrayList<>();
            for (String name : k.inputs()) {
                TowerSpec spec = bundle.model().tower(name);
                if (!spec.contextFeatures().isEmpty()) {
                    throw new IllegalArgumentException("tower '" + name + "' reads context features "
                            + spec.contextFeatures() + ", which the ranking SavedModel does not take yet");
                }
                Placeholder<TString> in = inputs.computeIfAbsent(spec.feature(), f -> tf.withName(f)
                        .placeholder(TString.class, Placeholder.shape(Shape.of(-1))));
                Operand<TInt32> rows = SavedModelExport.lookup(tf, in, bundle.vocabulary(spec));
                TowerGraph tower = new TowerGraph(tf, spec);
                towers.add(tower);
                outputs.add(tower.forward(tf, rows));
            }
            RankingTaskGraph head = RankingTaskGraph.serving(tf, k, bundle.model().inputDim(k), outputs);
            Operand<TFloat32> prediction = k.loss() == RankingLoss.BINARY_CROSSENTROPY
                    ? tf.math.sigmoid(head.outputs) : head.outputs;
            Operand<TFloat32> out = tf.withName(k.name()).reshape(prediction, tf.constant(new int[] {-1, 1}));
            Signature.Builder signature = Signature.builder().key(SavedModelExport.SIGNATURE)
                    .methodName("tensorflow/serving/predict").output(k.name(), out);
            inputs.forEach(signature::input);
            try (Session session = new Session(graph)) {
                List<Tensor> owned = new ArrayList<>();
                try {
                    Session.Runner init = session.runner();
                    towers.forEach(t -> t.feedInitial(init, bundle.weights(), owned));
                    head.feedInitial(init, bundle.weights(), owned);
                    init.run().close();
                } finally {
                    owned.forEach(Tensor::close);
                }
                Files.createDirectories(dir);
                SavedModelBundle.exporter(target.toString()).withSession(session).withSignature(signature.build())
                        .export();
            }
        }
        return target;
    }

    /** Serves an exported ranking SavedModel as a two-stage {@link Ranker}. */
    public static final class Served implements Ranker, AutoCloseable {
        private final SavedModelBundle model;
        private final String queryInput;
        private final String candidateInput;
        private final String output;

        public Served(Path versionDir, String queryInput, String candidateInput) {
            this.model = SavedModelBundle.load(versionDir.toString(), SavedModelBundle.DEFAULT_TAG);
            Set<String> names = new LinkedHashSet<>(model.function(SavedModelExport.SIGNATURE).signature()
                    .inputNames());
            if (!names.equals(Set.of(queryInput, candidateInput))) {
                model.close();
                throw new IllegalArgumentException(versionDir + " takes inputs " + names + "; a two-stage ranker"
                        + " feeds only '" + queryInput + "' and '" + candidateInput + "'");
            }
            this.queryInput = queryInput;
            this.candidateInput = candidateInput;
            this.output = model.function(SavedModelExport.SIGNATURE).signature().outputNames().iterator().next();
        }

        @Override
        public float[] scorePairs(String[] queries, String[] candidates) {
            int n = candidates.length;
            try (TString q = TString.vectorOf(queries);
                    TString c = TString.vectorOf(candidates);
                    var result = model.function(SavedModelExport.SIGNATURE)
                            .call(Map.of(queryInput, q, candidateInput, c))) {
                TFloat32 scores = (TFloat32) result.get(output).orElseThrow();
                float[] out = new float[n];
                for (int i = 0; i < n; i++) {
                    out[i] = scores.getFloat(i, 0);
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
