package org.recsys4j.examples.tutorial;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.data.Interactions;
import org.recsys4j.model.Embeddings;
import org.recsys4j.onnx.OnnxExport;
import org.recsys4j.onnx.OnnxFiles;
import org.recsys4j.onnx.OnnxInference;
import org.recsys4j.onnx.OnnxRetrievalIndex;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.task.Retrieval;
import org.recsys4j.train.TowerEvaluation;
import org.recsys4j.vocab.StringLookup;

/**
 * The tutorial's last step on ONNX Runtime: export the trained bundle as ONNX files, evaluate the
 * test set through the exported tower models, and ask the exported retrieval model for user 42's
 * top titles — every answer from the {@code .onnx} files, as a serving process would get them.
 * When the query tower reads context features (the rating's timestamp bucket under
 * {@code --features timestamp}), each test query is embedded with its own context, as the trainer
 * evaluates it; the recommendations for one user, like the trained index's, use none.
 */
public final class OnnxServing {
    /** What the files answered. */
    public record Result(OnnxFiles files, Map<String, Double> test, List<String> recommendations,
            String placement) {
    }

    private OnnxServing() {
    }

    /**
     * @param candidates the candidate identifiers to index, with {@code embeddings} row for row
     * @param k the top k the retrieval model returns
     */
    public static Result run(ModelBundle bundle, List<String> candidates, Embeddings embeddings, int k,
            Retrieval task, Interactions test, int evalBatchSize, String user, int top, Path dir,
            BackendOptions options) throws IOException {
        OnnxFiles files = OnnxExport.write(bundle, candidates, embeddings, k, dir);
        Map<String, Double> metrics;
        try (OnnxInference towers = OnnxInference.open(files, options)) {
            metrics = TowerEvaluation.evaluate(task, towers.queryTower(), towers.candidateTower(), test,
                    evalBatchSize, queryContext(bundle));
        }
        try (OnnxRetrievalIndex index = OnnxRetrievalIndex.open(files.retrieval(), options)) {
            return new Result(files, metrics, index.query(user, top).identifiers(), index.placement());
        }
    }

    /**
     * The query tower's context features with their vocabularies, as the bundle keeps them (often
     * none); a numeric feature maps to null, as {@code TowerEvaluation} takes it.
     */
    public static Map<String, StringLookup> queryContext(ModelBundle bundle) {
        Map<String, StringLookup> out = new LinkedHashMap<>();
        for (var f : bundle.spec().query().contextFeatures()) {
            if (f.numeric()) {
                out.put(f.name(), null); // no vocabulary: read from the data's numeric column
                continue;
            }
            StringLookup v = bundle.vocabularies().get(f.name());
            if (v == null) {
                throw new IllegalArgumentException("the query tower reads context feature '" + f.name()
                        + "' but the bundle has no vocabulary for it");
            }
            out.put(f.name(), v);
        }
        return out;
    }
}
