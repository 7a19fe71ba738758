package org.recsys4j.testing;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.Initializers;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.task.Retrieval;

/**
 * A random batch with duplicates and per-candidate sampling probabilities, and the loss the plain
 * Java reference gives it with the logQ correction: the case every trainer is checked against.
 */
public record LogQCase(ModelBundle bundle, FeatureBatch batch, double referenceLoss) {
    /** The case drawn from {@code seed}, with its reference loss. */
    public static LogQCase random(long seed) {
        var users = org.recsys4j.vocab.StringLookup.of(IntStream.range(0, 30).mapToObj(i -> "u" + i).toList());
        var items = org.recsys4j.vocab.StringLookup.of(IntStream.range(0, 50).mapToObj(i -> "i" + i).toList());
        RetrievalSpec spec = new RetrievalSpec(TowerSpec.embedding("query", "user_id", users.size(), 6),
                TowerSpec.embedding("candidate", "item", items.size(), 6), new RetrievalTaskSpec(0.7));
        ModelBundle bundle = new ModelBundle(spec, Map.of("user_id", users, "item", items),
                Initializers.initialWeights(spec, seed), null, null);
        Random random = new Random(seed);
        int[] u = random.ints(500, 0, users.size()).toArray();
        int[] it = random.ints(500, 0, items.size()).toArray();
        float[] byRow = new float[items.size()];
        for (int r = 0; r < byRow.length; r++) {
            byRow[r] = 0.001f + random.nextFloat() * 0.05f;
        }
        float[] p = new float[it.length];
        for (int i = 0; i < it.length; i++) {
            p[i] = byRow[it[i]];
        }
        double reference = new Retrieval(spec.task(), List.of()).loss(bundle.javaQueryTower().embedIndices(u),
                bundle.javaCandidateTower().embedIndices(it), null, p);
        return new LogQCase(bundle, new FeatureBatch(Map.of("user_id", u, "item", it), null, p, u.length), reference);
    }
}
