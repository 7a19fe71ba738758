package org.recsys4j.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.Initializers;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Inference;

/**
 * What every backend must do with a trained bundle, as Lucene's {@code BaseIndexFileFormatTestCase}
 * is for codecs: a backend module's test extends it and names its backend. Every
 * {@link TaskCases#serving()} bundle, saved and loaded, gives the Java reference's embeddings;
 * a closed inference refuses to embed, and closing frees its native memory at once. An
 * inference-only backend (ONNX Runtime) extends this; a training backend extends
 * {@link BackendConformance}, which adds the training cases.
 */
public abstract class InferenceConformance {
    @TempDir
    protected Path tmp;

    /** The backend under test. */
    protected abstract Backend backend();

    /** The option sets inference runs under (default: none). */
    protected List<BackendOptions> inferenceOptions() {
        return List.of(BackendOptions.none());
    }

    @TestFactory
    Stream<DynamicNode> aSavedBundleServesTheJavaReferenceEmbeddings() {
        return TaskCases.serving().stream().map(c -> DynamicContainer.dynamicContainer(c.name(),
                inferenceOptions().stream().map(o -> DynamicTest.dynamicTest(o.values().toString(),
                        () -> c.checkInference(backend(), o, Files.createTempDirectory(tmp, "bundle"))))));
    }

    @Test
    void aClosedInferenceRefusesToEmbed() {
        ModelBundle bundle = RetrievalCases.denseBundle();
        Inference inference = backend().inference(bundle, BackendOptions.none());
        var query = inference.queryTower();
        var candidate = inference.candidateTower();
        query.embedIndices(new int[] {1});
        inference.close();
        inference.close(); // a second close frees nothing twice
        assertClosed(() -> query.embedIndices(new int[] {1}), "the query tower of a closed inference");
        assertClosed(() -> candidate.embed("i1"), "the candidate tower of a closed inference");
    }

    /**
     * Null when the process's resident memory shows whether closing an inference frees its native
     * memory ({@link NativeMemory}); otherwise why it cannot, and the check is skipped with that reason.
     */
    protected String residentMemoryCannotShowFrees() {
        return null;
    }

    @Test
    void closingAnInferenceFreesItsNativeMemory() {
        org.junit.jupiter.api.Assumptions.assumeTrue(residentMemoryCannotShowFrees() == null,
                () -> residentMemoryCannotShowFrees());
        ModelBundle bundle = NativeMemory.largeDenseBundle();
        int[] rows = NativeMemory.batch().feature("item");
        NativeMemory.assertClosingFrees(backend().name() + " inferences", () -> {
            Inference inference = backend().inference(bundle, BackendOptions.none());
            inference.candidateTower().embedIndices(rows);
            return inference;
        });
    }

    /**
     * canTrain() tells the truth: a backend that says it trains makes a trainer, and one that says
     * it cannot refuses at once, saying what to train with, instead of failing later.
     */
    @Test
    void itTrainsExactlyWhenItSaysItCan() {
        ModelBundle bundle = RetrievalCases.denseBundle();
        if (backend().canTrain()) {
            try (var trainer = backend().trainer(bundle.spec(), bundle.vocabularies(), bundle.weights(),
                    new Adagrad(0.1), BackendOptions.none())) {
                assertTrue(trainer.weights().asMap().keySet().containsAll(bundle.weights().asMap().keySet()));
            }
            return;
        }
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> backend().trainer(bundle.spec(), bundle.vocabularies(),
                        Initializers.initialWeights(bundle.spec(), 1), new Adagrad(0.1), BackendOptions.none()));
        assertTrue(e.getMessage() != null && e.getMessage().contains("train with"), e.getMessage());
    }

    /** Its settings say no: a key it does not declare is refused, naming the keys it does. */
    @Test
    void anUnknownOptionIsRefusedListingTheKnownOnes() {
        ModelBundle bundle = RetrievalCases.denseBundle();
        BackendOptions unknown = new BackendOptions(java.util.Map.of("no-such-option", "1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend().inference(bundle, unknown).close());
        assertTrue(e.getMessage().startsWith("unknown backend option 'no-such-option' for " + backend().name()),
                e.getMessage());
        java.util.Map<String, String> defaults = new java.util.LinkedHashMap<>();
        for (var o : backend().options()) {
            assertTrue(e.getMessage().contains("\n  " + o.name() + " ("), o.name() + " is listed: " + e.getMessage());
            defaults.put(o.name(), o.defaultValue());
        }
        // every declared default is a value of its own type
        backend().inference(bundle, new BackendOptions(defaults)).close();
        if (backend().canTrain()) {
            e = assertThrows(IllegalArgumentException.class, () -> backend().trainer(bundle.spec(),
                    bundle.vocabularies(), bundle.weights(), new Adagrad(0.1), unknown).close());
            assertTrue(e.getMessage().startsWith("unknown backend option 'no-such-option'"), e.getMessage());
        }
    }

    /** An IllegalStateException that says the thing is closed. */
    static void assertClosed(org.junit.jupiter.api.function.Executable use, String what) {
        IllegalStateException e = assertThrows(IllegalStateException.class, use, what + " is refused");
        assertTrue(e.getMessage() != null && e.getMessage().contains("is closed"), what + ": " + e.getMessage());
    }
}
