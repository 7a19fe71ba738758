package org.recsys4j.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.RankingHead;
import org.recsys4j.model.Tower;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Adam;
import org.recsys4j.spec.RankingTask;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.spi.Inference;
import org.recsys4j.spi.StepResult;
import org.recsys4j.spi.Trainer;

/**
 * A multitask bundle (a ranking head and the Retrieval task over shared towers, {@link RankingCase})
 * as every backend must serve it: saved and loaded (bundle format 4), its Retrieval towers served by
 * {@code backend.inference} as the Java reference gives them; trained on a backend, the saved head
 * predicts what the trainer's own test step predicts.
 */
public record RankingServingCase(RankingCase model) implements ServingCase {
    @Override
    public String name() {
        return "ranking: " + model.name() + ", served";
    }

    @Override
    public void checkInference(Backend backend, BackendOptions options, Path dir) throws IOException {
        ModelBundle bundle = new ModelBundle(model.spec(), model.vocabularies(), model.initial(), null, null);
        ModelBundle loaded = saveAndLoad(bundle, dir);
        assertEquals(model.spec(), loaded.model(), "the model read back");
        try (Inference inference = backend.inference(loaded, options)) {
            assertServes(bundle.javaQueryTower(), bundle.javaCandidateTower(), inference, "the Java reference towers");
        }
    }

    @Override
    public void checkTrainedInference(Backend backend, BackendOptions options, Path dir) throws IOException {
        try (Trainer trainer = backend.trainer(model.spec(), model.vocabularies(), model.initial(), new Adam(0.01),
                options)) {
            for (FeatureBatch b : model.batches()) {
                trainer.trainStep(b);
            }
            ModelBundle loaded = saveAndLoad(new ModelBundle(model.spec(), model.vocabularies(), trainer.weights(),
                    null, null), dir);
            FeatureBatch batch = model.batches().get(0);
            StepResult step = trainer.testStep(batch);
            for (RankingTask task : model.spec().rankingTasks()) {
                assertArrayEquals(step.rankingOutputs().get(task.name()), head(loaded, task, batch), 1e-5f,
                        task.name() + ": the saved head's predictions against the trainer's");
            }
            try (Inference inference = backend.inference(loaded, options)) {
                assertServes(trainer.queryTower(), trainer.candidateTower(), inference, "the trainer's towers");
            }
        }
    }

    /** The head of {@code task} in plain Java over the bundle's weights, for the batch's rows. */
    private static float[] head(ModelBundle bundle, RankingTask task, FeatureBatch batch) {
        Weights w = bundle.weights();
        List<Embeddings> parts = new ArrayList<>();
        for (String input : task.inputs()) {
            TowerSpec t = bundle.model().tower(input);
            parts.add(Embeddings.gather(w.get(t.embeddingName()).data(), t.embeddingDim(), batch.feature(t.feature())));
        }
        RankingHead head = bundle.javaRankingHead(task.name());
        return head.forward(RankingHead.concat(parts), batch.size());
    }

    private static ModelBundle saveAndLoad(ModelBundle b, Path dir) throws IOException {
        Path at = dir.resolve("bundle");
        BundleIO.save(b, at);
        return BundleIO.load(at);
    }

    /** Every row of each tower's vocabulary (the OOV row among them), and raw ids with an unknown one. */
    private static void assertServes(Tower query, Tower candidate, Inference inference, String expected) {
        String vs = " of the served multitask bundle against " + expected;
        int[] users = IntStream.range(0, query.vocabulary().size()).toArray();
        int[] items = IntStream.range(0, candidate.vocabulary().size()).toArray();
        RetrievalCases.assertClose(query.embedIndices(users), inference.queryTower().embedIndices(users),
                "query embeddings" + vs);
        RetrievalCases.assertClose(candidate.embedIndices(items), inference.candidateTower().embedIndices(items),
                "candidate embeddings" + vs);
        String[] ids = {query.vocabulary().vocabulary().get(0), "no such id"};
        RetrievalCases.assertClose(query.embed(ids), inference.queryTower().embed(ids), "query embeddings by id" + vs);
    }

    @Override
    public String toString() {
        return name();
    }
}
