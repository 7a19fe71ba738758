package org.recsys4j.testing;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Initializers;
import org.recsys4j.model.Features;
import org.recsys4j.spec.Activation;
import org.recsys4j.spec.FeatureSpec;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.task.Retrieval;
import org.recsys4j.vocab.StringLookup;

/**
 * Towers with features besides the id: the query reads a context feature ("bucket", one value
 * per example), a numeric one ("score", one float per example, a few values repeating, 0 among
 * them) and a derived bag ("tags", jagged, one id row with none) before a dense layer; the
 * candidate a derived feature ("genre"). A random batch, and TFRS's loss of it from the Java
 * reference towers.
 */
public record FeatureCase(ModelBundle bundle, FeatureBatch batch, int[] users, Features context,
        double referenceLoss) {
    /** The case drawn from {@code seed} under the Retrieval options {@code task}, with its reference loss. */
    public static FeatureCase random(long seed, RetrievalTaskSpec task) {
        Random random = new Random(seed);
        StringLookup users = StringLookup.of(IntStream.range(0, 25).mapToObj(i -> "u" + i).toList());
        StringLookup items = StringLookup.of(IntStream.range(0, 40).mapToObj(i -> "i" + i).toList());
        StringLookup buckets = StringLookup.of(IntStream.range(0, 6).mapToObj(i -> "b" + i).toList());
        int[][] tags = new int[users.size()][];
        for (int r = 0; r < tags.length; r++) {
            tags[r] = r == 3 ? new int[0] : random.ints(1 + random.nextInt(3), 0, 9).toArray();
        }
        int[][] genre = new int[items.size()][];
        for (int r = 0; r < genre.length; r++) {
            genre[r] = new int[] {random.nextInt(5)};
        }
        TowerSpec query = TowerSpec.embedding("query", "user_id", users.size(), 6)
                .withFeature(FeatureSpec.context("bucket", buckets.size()))
                .withFeature(FeatureSpec.numeric("score"))
                .withFeature(FeatureSpec.derived("tags", 9, tags))
                .withDense(5, Activation.TANH);
        TowerSpec candidate = TowerSpec.embedding("candidate", "item", items.size(), 5)
                .withFeature(FeatureSpec.derived("genre", 5, genre));
        RetrievalSpec spec = new RetrievalSpec(query, candidate, task);
        ModelBundle bundle = new ModelBundle(spec, Map.of("user_id", users, "item", items, "bucket", buckets),
                Initializers.initialWeights(spec, seed), null, null);
        int n = 200;
        // few users and buckets, so that (user, bucket) pairs repeat and collapsing has work to do
        int[] u = random.ints(n, 0, 8).toArray();
        int[] b = random.ints(n, 0, 3).toArray();
        int[] it = random.ints(n, 0, items.size()).toArray();
        float[] levels = {-1.25f, 0f, 0.5f, 1.75f};
        float[] score = new float[n];
        for (int i = 0; i < n; i++) {
            // few distinct values, so that (user, bucket, score) queries still repeat
            score[i] = levels[random.nextInt(u[i] % 2 == 0 ? 2 : levels.length)];
        }
        Features context = Features.none().withRows("bucket", b).withValues("score", score);
        Embeddings q = bundle.javaQueryTower().embedIndices(u, context);
        Embeddings c = bundle.javaCandidateTower().embedIndices(it);
        double loss = new Retrieval(task, List.of()).loss(q, c, null, null, it);
        FeatureBatch batch = new FeatureBatch(context.withRows("user_id", u).withRows("item", it), null, n);
        return new FeatureCase(bundle, batch, u, context, loss);
    }
}
