package org.recsys4j.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.spi.Trainer;

/**
 * What every training backend must do: every case of {@link TaskCases#training()} (one Adagrad
 * step against the hand-written gradient, every Retrieval option, logQ, features, ...) under each
 * of the backend's option sets ({@link #trainingOptions()}: every formulation it has); a trained
 * bundle, saved and loaded, served as the trainer's own towers compute it; a closed trainer
 * refusing further steps; closing freeing native memory at once. Plus everything
 * {@link InferenceConformance} asks. A backend's module test extends it:
 *
 * <pre>{@code
 * class Nd4jConformanceTest extends BackendConformance {
 *     protected Backend backend() { return new Nd4jBackend(); }
 * }
 * }</pre>
 */
public abstract class BackendConformance extends InferenceConformance {
    /** The option sets every training case runs under: each formulation the backend has (default: none). */
    protected List<BackendOptions> trainingOptions() {
        return List.of(BackendOptions.none());
    }

    /** A backend that says it cannot train belongs in {@link InferenceConformance}, not here. */
    @Test
    void itSaysItTrains() {
        assertTrue(backend().canTrain(), backend().name() + " says it cannot train; test it with InferenceConformance");
    }

    @TestFactory
    Stream<DynamicNode> everyTrainingCaseMatchesItsReference() {
        return TaskCases.training().stream().map(c -> DynamicContainer.dynamicContainer(c.name(),
                trainingOptions().stream().map(o -> DynamicTest.dynamicTest(o.values().toString(),
                        () -> c.check(backend(), o)))));
    }

    @TestFactory
    Stream<DynamicNode> aTrainedBundleServesTheTrainersEmbeddings() {
        return TaskCases.serving().stream().map(c -> DynamicContainer.dynamicContainer(c.name(),
                trainingOptions().stream().map(o -> DynamicTest.dynamicTest(o.values().toString(),
                        () -> c.checkTrainedInference(backend(), o, Files.createTempDirectory(tmp, "trained"))))));
    }

    @Test
    void aClosedTrainerRefusesFurtherSteps() {
        OptionsCase c = OptionsCase.all(21).get(0);
        FeatureBatch batch = c.batch();
        Trainer trainer = RetrievalCases.trainer(backend(), BackendOptions.none(), c.bundle(), new Adagrad(0.1));
        var query = trainer.queryTower();
        trainer.trainStep(batch);
        trainer.close();
        trainer.close(); // a second close frees nothing twice
        assertClosed(() -> trainer.trainStep(batch), "a training step of a closed trainer");
        assertClosed(() -> trainer.testStep(batch), "a test step of a closed trainer");
        assertClosed(trainer::weights, "the weights of a closed trainer");
        assertClosed(() -> query.embedIndices(new int[] {1}), "the query tower of a closed trainer");
        assertClosed(() -> trainer.embed(batch), "embedding a batch on a closed trainer");
    }

    @Test
    void closingATrainerFreesItsNativeMemory() {
        ModelBundle bundle = NativeMemory.largeDenseBundle();
        FeatureBatch batch = NativeMemory.batch();
        NativeMemory.assertClosingFrees(backend().name() + " trainers", () -> {
            Trainer trainer = RetrievalCases.trainer(backend(), BackendOptions.none(), bundle, new Adagrad(0.1));
            trainer.trainStep(batch);
            return trainer;
        });
    }
}
