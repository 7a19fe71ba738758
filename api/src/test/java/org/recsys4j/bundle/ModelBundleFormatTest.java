package org.recsys4j.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.io.FormatTooNewException;
import org.recsys4j.io.JsonFiles;
import org.recsys4j.model.Initializers;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.Adam;
import org.recsys4j.spec.CrossLayerSpec;
import org.recsys4j.spec.DenseLayerSpec;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spec.RankingLoss;
import org.recsys4j.spec.RankingTask;
import org.recsys4j.spec.RetrievalTask;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spec.TrainingConfig;
import org.recsys4j.vocab.StringLookup;

/**
 * Format 4: the bundle records the whole model (towers and weighted tasks), so ranking and
 * multitask models save and load; bundles of formats 1 to 3 load as retrieval models; a model.json
 * whose model is invalid is refused naming the file and the field.
 */
class ModelBundleFormatTest {
    @TempDir
    Path tmp;

    /** A multitask model: a cross then dense rating head over both towers, and Retrieval, trained with Adam. */
    static ModelBundle multitask(long seed) {
        StringLookup users = StringLookup.of(List.of("1", "2", "42"));
        StringLookup titles = StringLookup.of(List.of("Toy Story (1995)", "Misérables, Les (1995)"));
        ModelSpec spec = new ModelSpec(List.of(TowerSpec.embedding("user", "user_id", users.size(), 4),
                TowerSpec.embedding("movie", "movie_title", titles.size(), 4)), List.of(
                new RankingTask("rating", List.of("user", "movie"), List.of(CrossLayerSpec.lowRank(2),
                        new DenseLayerSpec(3, org.recsys4j.spec.Activation.RELU),
                        new DenseLayerSpec(1, org.recsys4j.spec.Activation.LINEAR)),
                        RankingLoss.MEAN_SQUARED_ERROR, "user_rating", 1.0),
                new RetrievalTask("retrieval", "user", "movie", RetrievalTaskSpec.defaults(), 0.5)));
        return new ModelBundle(spec, Map.of("user_id", users, "movie_title", titles),
                Initializers.initialWeights(spec, seed), new TrainingConfig(new Adam(0.01), 8192, 4096, 3, 42),
                new Provenance("ml-100k", Map.of("u.data", "abc"), 42, "test", Map.of("java", "17"), "now"));
    }

    @Test
    void aMultitaskBundleRoundTripsWithItsHeadAndOptimizer() throws IOException {
        ModelBundle bundle = multitask(3);
        Path dir = tmp.resolve("multitask");
        BundleIO.save(bundle, dir);
        ModelBundle back = BundleIO.load(dir);
        assertEquals(bundle.model(), back.model());
        assertEquals(bundle.training(), back.training());
        assertEquals(bundle.weights().asMap(), back.weights().asMap());
        float[] input = {0.1f, -0.2f, 0.3f, 0.4f, 0.5f, 0.6f, -0.7f, 0.8f};
        assertArrayEquals(bundle.javaRankingHead("rating").forward(input, 1),
                back.javaRankingHead("rating").forward(input, 1));
        String json = Files.readString(dir.resolve(BundleIO.MODEL_FILE));
        assertTrue(json.contains("\"formatVersion\" : 4") && json.contains("\"model\" : {")
                && !json.contains("\"spec\""), json);
    }

    @Test
    void aRankingOnlyBundleHasNoRetrievalSpec() throws IOException {
        ModelBundle m = multitask(4);
        ModelSpec rankingOnly = m.model().withTasks(List.of(m.model().rankingTasks().get(0)));
        ModelBundle bundle = new ModelBundle(rankingOnly, m.vocabularies(), Initializers.initialWeights(rankingOnly, 4),
                m.training(), m.provenance());
        Path dir = tmp.resolve("ranking");
        BundleIO.save(bundle, dir);
        ModelBundle back = BundleIO.load(dir);
        assertEquals(rankingOnly, back.model());
        assertNull(back.spec());
    }

    /** Copies the bundle the format 3 build wrote ({@code BundleIO.save(BundleSamples.sample(42), dir)}). */
    private Path format3() throws IOException {
        return BundleSamples.fixture("format3", tmp.resolve("format3"), "model.json", "weights-1.safetensors");
    }

    @Test
    void aFormat3BundleLoadsAsARetrievalModelAndSavesAsFormat4() throws IOException {
        Path dir = format3();
        ModelBundle old = BundleIO.load(dir);
        ModelBundle same = BundleSamples.sample(42);
        assertEquals(same.spec(), old.spec());
        assertEquals(ModelSpec.of(same.spec()), old.model());
        assertTrue(old.retrievalOnly());
        assertEquals(new Adagrad(0.1), old.training().optimizer());
        assertEquals(BundleSamples.content(same), BundleSamples.content(old));
        BundleIO.save(old, dir);
        assertEquals(BundleSamples.content(old), BundleSamples.content(BundleIO.load(dir)));
        assertTrue(Files.readString(dir.resolve(BundleIO.MODEL_FILE)).contains("\"formatVersion\" : 4"));
    }

    private String loadError(ObjectNode root) throws IOException {
        Path dir = tmp.resolve("bad");
        Path model = dir.resolve(BundleIO.MODEL_FILE);
        Files.write(model, JsonFiles.MAPPER.writeValueAsBytes(root));
        return assertThrows(BundleFormatException.class, () -> BundleIO.load(dir)).getMessage();
    }

    @Test
    void anInvalidModelIsRefusedAtLoadNamingTheFileAndTheField() throws IOException {
        Path dir = tmp.resolve("bad");
        BundleIO.save(multitask(5), dir);
        Path model = dir.resolve(BundleIO.MODEL_FILE);
        ObjectNode good = (ObjectNode) JsonFiles.MAPPER.readTree(model.toFile());

        ObjectNode noInput = good.deepCopy();
        ((ArrayNode) noInput.get("model").get("tasks").get(0).get("inputs")).removeAll();
        String m = loadError(noInput);
        assertTrue(m.contains(model.toString()) && m.contains("'model' is invalid")
                && m.contains("ranking task 'rating' has no inputs: its head (a cross layer among its layers)"), m);

        ObjectNode zero = good.deepCopy();
        for (var task : zero.get("model").get("tasks")) {
            ((ObjectNode) task).put("weight", 0.0);
        }
        m = loadError(zero);
        assertTrue(m.contains("'model' is invalid") && m.contains("every task's loss weight is 0"), m);

        ObjectNode noModel = good.deepCopy();
        noModel.remove("model");
        assertTrue(loadError(noModel).contains(model + ": 'model' is missing"));

        ObjectNode newer = good.deepCopy();
        newer.put("formatVersion", BundleFormat.HEADER.newest() + 1);
        Files.write(model, JsonFiles.MAPPER.writeValueAsBytes(newer));
        FormatTooNewException e = assertThrows(FormatTooNewException.class, () -> BundleIO.load(dir));
        assertTrue(e.getMessage().contains("newer recsys4j"), e.getMessage());
    }
}
