package org.recsys4j.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.Features;
import org.recsys4j.model.Tower;
import org.recsys4j.model.TowerInputs;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.spi.Inference;
import org.recsys4j.spi.Trainer;
import org.recsys4j.vocab.StringLookup;

/**
 * A retrieval bundle and the inputs to serve it with: the query rows with their context
 * features, and candidate rows (the OOV row among both), plus a batch to train it on.
 */
public record RetrievalServingCase(String name, ModelBundle bundle, FeatureBatch batch, int[] queryRows,
        Features context, int[] candidateRows) implements ServingCase {

    /** The batch's own queries in their contexts, and its candidates, each with the OOV row first. */
    public static RetrievalServingCase of(String name, ModelBundle bundle, FeatureBatch batch) {
        var spec = bundle.spec();
        int[] queries = withOov(batch.feature(spec.query().feature()));
        Features context = TowerInputs.context(spec.query(), batch.features());
        // the OOV query takes the first example's context
        context = context.isEmpty() ? context : context.select(IntStream.concat(IntStream.of(0),
                IntStream.range(0, batch.size())).toArray());
        return new RetrievalServingCase(name, bundle, batch, queries, context,
                withOov(batch.feature(spec.candidate().feature())));
    }

    /** A random batch of {@code n} examples over an id-only bundle's vocabularies. */
    public static RetrievalServingCase of(String name, ModelBundle bundle, int n, long seed) {
        Random random = new Random(seed);
        var spec = bundle.spec();
        int[] u = random.ints(n, 0, spec.query().vocabularySize()).toArray();
        int[] it = random.ints(n, 0, spec.candidate().vocabularySize()).toArray();
        FeatureBatch batch = new FeatureBatch(Map.of(spec.query().feature(), u, spec.candidate().feature(), it), null,
                n);
        return of(name, bundle, batch);
    }

    private static int[] withOov(int[] rows) {
        return IntStream.concat(IntStream.of(0), IntStream.of(rows)).toArray();
    }

    @Override
    public void checkInference(Backend backend, BackendOptions options, Path dir) throws IOException {
        ModelBundle loaded = saveAndLoad(bundle, dir);
        try (Inference inference = backend.inference(loaded, options)) {
            assertServes(bundle.javaQueryTower(), bundle.javaCandidateTower(), inference, "the Java reference towers");
        }
    }

    @Override
    public void checkTrainedInference(Backend backend, BackendOptions options, Path dir) throws IOException {
        try (Trainer trainer = RetrievalCases.trainer(backend, options, bundle, new Adagrad(0.1))) {
            for (int step = 0; step < 3; step++) {
                trainer.trainStep(batch);
            }
            ModelBundle trained = new ModelBundle(bundle.spec(), bundle.vocabularies(), trainer.weights(), null, null);
            ModelBundle loaded = saveAndLoad(trained, dir);
            try (Inference inference = backend.inference(loaded, options)) {
                assertServes(trainer.queryTower(), trainer.candidateTower(), inference, "the trainer's towers");
                assertServes(trained.javaQueryTower(), trained.javaCandidateTower(), inference,
                        "the Java reference towers of the trained weights");
            }
        }
    }

    private static ModelBundle saveAndLoad(ModelBundle b, Path dir) throws IOException {
        Path at = dir.resolve("bundle");
        BundleIO.save(b, at);
        return BundleIO.load(at);
    }

    /** By rows with and without context, and by raw ids (an unknown one among them). */
    private void assertServes(Tower query, Tower candidate, Inference inference, String expected) {
        Tower q = inference.queryTower();
        Tower c = inference.candidateTower();
        String vs = " of the served bundle against " + expected;
        RetrievalCases.assertClose(query.embedIndices(queryRows, context), q.embedIndices(queryRows, context),
                "query embeddings in context" + vs);
        RetrievalCases.assertClose(query.embedIndices(queryRows), q.embedIndices(queryRows),
                "query embeddings without context" + vs);
        RetrievalCases.assertClose(candidate.embedIndices(candidateRows), c.embedIndices(candidateRows),
                "candidate embeddings" + vs);
        String[] ids = raw(query.vocabulary());
        RetrievalCases.assertClose(query.embed(ids), q.embed(ids), "query embeddings by raw id" + vs);
        String[] titles = raw(candidate.vocabulary());
        RetrievalCases.assertClose(candidate.embed(titles), c.embed(titles), "candidate embeddings by raw id" + vs);
    }

    /** The vocabulary's first and last tokens and one it lacks. */
    private static String[] raw(StringLookup vocabulary) {
        var tokens = vocabulary.vocabulary();
        return new String[] {tokens.get(0), tokens.get(tokens.size() - 1), "no such id"};
    }

    @Override
    public String toString() {
        return name;
    }
}
