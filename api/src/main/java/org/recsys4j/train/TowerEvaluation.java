package org.recsys4j.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.recsys4j.data.Interactions;
import org.recsys4j.metrics.Metric;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Features;
import org.recsys4j.model.Tower;
import org.recsys4j.task.Retrieval;
import org.recsys4j.vocab.StringLookup;

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

    /** The task's metrics and loss over {@code data} for towers without context features. */
    public static Map<String, Double> evaluate(Retrieval task, Tower queryTower, Tower candidateTower,
            Interactions data, int batchSize) {
        return evaluate(task, queryTower, candidateTower, data, batchSize, Map.of());
    }

    /**
     * As above, for a query tower that reads context features (such as a timestamp bucket): each
     * one's values come from {@code data}'s column of that name, looked up in its vocabulary, and
     * every query is embedded with its own context through
     * {@link Tower#embedIndices(int[], Features)}, as the trainer evaluates it.
     *
     * @param queryContext the query tower's context features by name, with their vocabularies
     *     (empty: the ids alone); a numeric feature maps to null and is read from {@code data}'s
     *     numeric column
     */
    public static Map<String, Double> evaluate(Retrieval task, Tower queryTower, Tower candidateTower,
            Interactions data, int batchSize, Map<String, StringLookup> queryContext) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        String[] queries = data.strings(queryTower.feature());
        String[] positives = data.strings(candidateTower.feature());
        int[] queryRows = queryContext.isEmpty() ? null : queryTower.vocabulary().lookup(queries);
        Features context = Features.none();
        for (var e : queryContext.entrySet()) {
            String name = e.getKey();
            if (!data.has(name)) {
                throw new IllegalArgumentException("the query tower reads context feature '" + name + "' but the"
                        + " data has no column of that name");
            }
            // a numeric feature has no vocabulary (null): its numeric column
            context = e.getValue() == null ? context.withValues(name, data.numbers(name))
                    : context.withRows(name, e.getValue().lookup(data.strings(name)));
        }
        task.metrics().forEach(Metric::reset);
        double lastLoss = 0;
        for (int from = 0; from < data.size(); from += batchSize) {
            int to = Math.min(data.size(), from + batchSize);
            Embeddings q;
            if (queryRows == null) {
                q = queryTower.embed(Arrays.copyOfRange(queries, from, to));
            } else {
                q = queryTower.embedIndices(Arrays.copyOfRange(queryRows, from, to), context.slice(from, to));
            }
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
