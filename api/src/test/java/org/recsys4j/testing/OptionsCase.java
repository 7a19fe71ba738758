package org.recsys4j.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Initializers;
import org.recsys4j.spec.Activation;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.task.Retrieval;
import org.recsys4j.vocab.StringLookup;

/**
 * A random batch with duplicates, sample weights, optional logQ probabilities and extra
 * negatives, under a given set of Retrieval options, and the loss and regularization TFRS's
 * formula gives it (the plain Java reference): the case every trainer is checked against.
 */
public record OptionsCase(String name, ModelBundle bundle, FeatureBatch batch, double referenceLoss,
        double referenceRegularization) {

    /** The option sets every trainer is checked on, each alone and some together. */
    public static List<OptionsCase> all(long seed) {
        RetrievalTaskSpec t = new RetrievalTaskSpec(0.7);
        List<OptionsCase> out = new ArrayList<>();
        out.add(random("defaults", seed, t, false, 0, false));
        out.add(random("logQ", seed, t, true, 0, false));
        out.add(random("removeAccidentalHits", seed, t.withRemoveAccidentalHits(true), false, 0, false));
        out.add(random("removeAccidentalHits+logQ+extras", seed, t.withRemoveAccidentalHits(true), true, 40, true));
        out.add(random("hardNegatives", seed, t.withNumHardNegatives(7), false, 0, false));
        out.add(random("hardNegatives+removeAccidentalHits+logQ+extras", seed,
                t.withNumHardNegatives(12).withRemoveAccidentalHits(true), true, 25, true));
        out.add(random("extraNegatives", seed, t, false, 30, false));
        out.add(random("extraNegatives+logQ+dense", seed, t, true, 30, true));
        out.add(random("l2PerTable+l2PerExample+dense", seed,
                new RetrievalTaskSpec(0.7, 0.05).withL2PerTable(0.01), true, 0, true));
        out.add(random("candidateBias", seed, t, false, 0, false, true));
        // normalised rows with a low temperature make large summed gradients: float roundoff in them is
        // about 1e-4 of a step, so the cross-trainer checks use temperatures of 0.5 and up
        out.add(random("normalized+temperature0.5", seed, new RetrievalTaskSpec(0.5), false, 0, false, false, true));
        out.add(random("normalized+dense+bias+logQ+l2", seed, new RetrievalTaskSpec(0.5, 0.05).withL2PerTable(0.01),
                true, 10, true, true, true));
        out.add(random("candidateBias+logQ+l2+extras+dense", seed, new RetrievalTaskSpec(0.7, 0.05).withL2PerTable(0.01)
                .withRemoveAccidentalHits(true), true, 20, true, true));
        return out;
    }

    /**
     * The case drawn from {@code seed} under {@code task}: with {@code logQ}, sampling probabilities; with
     * {@code extras}, that many extra negatives; with {@code dense}, a dense layer on each tower.
     */
    public static OptionsCase random(String name, long seed, RetrievalTaskSpec task, boolean logQ, int extras,
            boolean dense) {
        return random(name, seed, task, logQ, extras, dense, false);
    }

    /** With {@code bias}, a learned per-candidate score bias (started away from zero, so it matters at once). */
    public static OptionsCase random(String name, long seed, RetrievalTaskSpec task, boolean logQ, int extras,
            boolean dense, boolean bias) {
        return random(name, seed, task, logQ, extras, dense, bias, false);
    }

    /** With {@code normalize}, both towers' outputs L2-normalised. */
    public static OptionsCase random(String name, long seed, RetrievalTaskSpec task, boolean logQ, int extras,
            boolean dense, boolean bias, boolean normalize) {
        StringLookup users = StringLookup.of(IntStream.range(0, 30).mapToObj(i -> "u" + i).toList());
        StringLookup items = StringLookup.of(IntStream.range(0, 50).mapToObj(i -> "i" + i).toList());
        TowerSpec query = TowerSpec.embedding("query", "user_id", users.size(), 6);
        TowerSpec candidate = TowerSpec.embedding("candidate", "item", items.size(), dense ? 8 : 6);
        if (dense) {
            query = query.withDense(6, Activation.TANH);
            candidate = candidate.withDense(6, Activation.LINEAR);
        }
        RetrievalSpec spec = new RetrievalSpec(
                query.withNormalize(normalize), candidate.withNormalize(normalize), task);
        if (bias) {
            spec = spec.withCandidateBias();
        }
        Random random = new Random(seed);
        org.recsys4j.model.Weights initial = Initializers.initialWeights(spec, seed);
        if (bias) {
            float[] b = initial.get(spec.candidate().scoreBiasName()).data();
            for (int r = 0; r < b.length; r++) {
                b[r] = (random.nextFloat() - 0.5f) * 0.4f;
            }
        }
        ModelBundle bundle = new ModelBundle(spec, Map.of("user_id", users, "item", items), initial, null, null);
        int n = 300;
        int[] u = random.ints(n, 0, users.size()).toArray();
        int[] it = random.ints(n, 0, items.size()).toArray();
        int[] extra = random.ints(extras, 1, items.size()).toArray();
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = 0.25f + random.nextFloat() * 1.5f;
        }
        float[] byRow = new float[items.size()];
        for (int r = 0; r < byRow.length; r++) {
            byRow[r] = 0.001f + random.nextFloat() * 0.05f;
        }
        int[] all = IntStream.concat(java.util.Arrays.stream(it), java.util.Arrays.stream(extra)).toArray();
        float[] pAll = null;
        if (logQ) {
            pAll = new float[all.length];
            for (int i = 0; i < all.length; i++) {
                pAll[i] = i < n ? byRow[all[i]] : 1f / (items.size() - 1);
            }
        }
        Embeddings q = bundle.javaQueryTower().embedIndices(u);
        Embeddings c = bundle.javaCandidateTower().embedIndices(all);
        Retrieval reference = new Retrieval(task, List.of());
        double loss = reference.loss(q, c, w, pAll, all);
        double regularization = reference.regularizationLoss(q, bundle.javaCandidateTower().embedIndices(it))
                + reference.tableRegularizationLoss(spec, bundle.weights());
        FeatureBatch batch = new FeatureBatch(Map.of("user_id", u, "item", it), w,
                logQ ? java.util.Arrays.copyOf(pAll, n) : null, n);
        if (extras > 0) {
            batch = batch.withExtraCandidates(extra, logQ ? java.util.Arrays.copyOfRange(pAll, n, all.length) : null);
        }
        return new OptionsCase(name, bundle, batch, loss, regularization);
    }

    @Override
    public String toString() {
        return name;
    }
}
