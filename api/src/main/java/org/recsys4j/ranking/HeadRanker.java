package org.recsys4j.ranking;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.RankingHead;
import org.recsys4j.model.Tower;
import org.recsys4j.spec.RankingLoss;
import org.recsys4j.spec.RankingTask;

/**
 * A ranking task's head as a {@link Ranker}: each of its input towers reads either the query's raw
 * value (e.g. {@code user_id}) or the candidates' ({@code movie_title}); the towers' outputs are
 * concatenated per candidate and the head predicts (a rating, or {@code sigmoid} of the logit for
 * binary cross-entropy). Towers may be any backend's; the head runs in plain Java.
 */
public final class HeadRanker implements Ranker {
    private final RankingHead head;
    private final List<Tower> towers;
    private final boolean[] readsQuery;

    /**
     * @param towers the model's towers by name (every input of the task among them)
     * @param towerFeatures each tower's feature by tower name
     */
    public HeadRanker(RankingHead head, Map<String, Tower> towers, Map<String, String> towerFeatures,
            String queryFeature, String candidateFeature) {
        this.head = Objects.requireNonNull(head);
        RankingTask task = head.task();
        this.towers = new ArrayList<>();
        this.readsQuery = new boolean[task.inputs().size()];
        for (int i = 0; i < task.inputs().size(); i++) {
            String name = task.inputs().get(i);
            Tower t = towers.get(name);
            if (t == null) {
                throw new IllegalArgumentException("ranking task '" + task.name() + "' reads tower '" + name
                        + "', which is not given; towers are " + towers.keySet());
            }
            String feature = towerFeatures.get(name);
            if (!feature.equals(queryFeature) && !feature.equals(candidateFeature)) {
                throw new IllegalArgumentException("ranking task '" + task.name() + "' reads tower '" + name
                        + "' of feature '" + feature + "', which is neither the query's ('" + queryFeature
                        + "') nor the candidates' ('" + candidateFeature + "'): a two-stage ranker knows only those");
            }
            readsQuery[i] = feature.equals(queryFeature);
            this.towers.add(t);
        }
    }

    /**
     * Ranking task {@code task} of a bundle, its towers and head in plain Java; its towers must read
     * {@code queryFeature} or {@code candidateFeature}.
     */
    public static HeadRanker of(org.recsys4j.bundle.ModelBundle bundle, String task, String queryFeature,
            String candidateFeature) {
        RankingHead head = bundle.javaRankingHead(task);
        Map<String, Tower> towers = new java.util.LinkedHashMap<>();
        Map<String, String> features = new java.util.LinkedHashMap<>();
        for (String input : head.task().inputs()) {
            towers.put(input, bundle.javaTower(input));
            features.put(input, bundle.model().tower(input).feature());
        }
        return new HeadRanker(head, towers, features, queryFeature, candidateFeature);
    }

    @Override
    public float[] scorePairs(String[] queries, String[] items) {
        int n = items.length;
        List<Embeddings> parts = new ArrayList<>();
        for (int i = 0; i < towers.size(); i++) {
            parts.add(towers.get(i).embed(readsQuery[i] ? queries : items));
        }
        float[] outputs = head.forward(RankingHead.concat(parts), n);
        if (head.task().loss() == RankingLoss.BINARY_CROSSENTROPY) {
            for (int i = 0; i < n; i++) {
                outputs[i] = (float) (1.0 / (1.0 + Math.exp(-outputs[i])));
            }
        }
        return outputs;
    }
}
