package org.recsys4j.examples.tutorial;

import java.io.IOException;
import java.nio.file.Path;
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

/**
 * The tutorial's last step on ONNX Runtime: export the trained bundle as ONNX files, evaluate the
 * test set through the exported tower models, and ask the exported retrieval model for user 42's
 * top titles — every answer from the {@code .onnx} files, as a serving process would get them.
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
                    evalBatchSize);
        }
        try (OnnxRetrievalIndex index = OnnxRetrievalIndex.open(files.retrieval(), options)) {
            return new Result(files, metrics, index.query(user, top).identifiers(), index.placement());
        }
    }
}
