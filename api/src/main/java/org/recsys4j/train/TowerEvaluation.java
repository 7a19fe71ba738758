package org.recsys4j.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.recsys4j.data.Interactions;
import org.recsys4j.metrics.Metric;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Tower;
import org.recsys4j.task.Retrieval;

/**
 * {@link RetrievalModel#evaluate} for towers that no trainer owns: the towers of an
 * {@link org.recsys4j.spi.Inference} (ONNX Runtime, a reloaded bundle) or plain-Java ones. Each
 * batch's raw ids go through the towers; the task's metrics are updated with the query and positive
 * embeddings and the candidate tower, as during training; the loss is the task's Java reference
 * loss of the last batch, as TFRS reports the last step's. Keys are those of
 * {@link RetrievalModel#evaluate}, so reports read the same whichever runtime evaluated.
 */
public final class TowerEvaluation {
    private TowerEvaluation() {
    }

    public static Map<String, Double> evaluate(Retrieval task, Tower queryTower, Tower candidateTower,
            Interactions data, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        String[] queries = data.strings(queryTower.feature());
        String[] positives = data.strings(candidateTower.feature());
        task.metrics().forEach(Metric::reset);
        double lastLoss = 0;
        for (int from = 0; from < data.size(); from += batchSize) {
            int to = Math.min(data.size(), from + batchSize);
            Embeddings q = queryTower.embed(Arrays.copyOfRange(queries, from, to));
            Embeddings p = candidateTower.embed(Arrays.copyOfRange(positives, from, to));
            for (Metric m : task.metrics()) {
                m.update(q, p, candidateTower);
            }
            if (to == data.size()) {
                lastLoss = task.loss(q, p, null);
            }
        }
        Map<String, Double> logs = new LinkedHashMap<>();
        task.metrics().forEach(m -> logs.putAll(m.result()));
        logs.put("loss", lastLoss);
        logs.put("regularization_loss", 0.0);
        logs.put("total_loss", lastLoss);
        return logs;
    }
}
