package org.recsys4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.model.RankingHead;
import org.recsys4j.model.Weights;
import org.recsys4j.ranking.HeadRanker;
import org.recsys4j.spec.Activation;
import org.recsys4j.spec.CrossLayerSpec;
import org.recsys4j.spec.DenseLayerSpec;
import org.recsys4j.spec.HeadLayerSpec;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spec.RankingLoss;
import org.recsys4j.spec.RankingTask;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.testing.RankingCase;

/**
 * The ranking model exported to ONNX gives the Java head's predictions for raw values (unknown
 * ones included), for full and low-rank cross layers and a binary cross-entropy head, and passes
 * the ONNX checker.
 */
class OnnxRankingTest {
    @TempDir
    Path tmp;

    private static final DenseLayerSpec OUT = new DenseLayerSpec(1, Activation.LINEAR);

    /** The RankingCase model (user, item and age towers) with the given head, its weights jittered off zero. */
    static ModelBundle bundle(String variant) {
        List<HeadLayerSpec> head = switch (variant) {
            case "full-cross" -> List.of(CrossLayerSpec.full(), new DenseLayerSpec(5, Activation.RELU), OUT);
            case "low-rank-cross" -> List.of(CrossLayerSpec.lowRank(2), CrossLayerSpec.full(),
                    new DenseLayerSpec(4, Activation.TANH), OUT);
            default -> List.of(new DenseLayerSpec(6, Activation.SIGMOID), OUT);
        };
        RankingLoss loss = variant.equals("bce") ? RankingLoss.BINARY_CROSSENTROPY : RankingLoss.MEAN_SQUARED_ERROR;
        RankingCase c = RankingCase.of(variant, 5, head, loss, 1.0, -1);
        Random random = new Random(9);
        Map<String, FloatTensor> jittered = new LinkedHashMap<>();
        c.initial().asMap().forEach((name, t) -> {
            float[] v = t.data().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (random.nextGaussian() * 0.2);
            }
            jittered.put(name, new FloatTensor(t.shape(), v));
        });
        return new ModelBundle(c.spec(), c.vocabularies(), new Weights(jittered), null, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"full-cross", "low-rank-cross", "bce"})
    void theExportedModelPredictsAsTheJavaHeadAndPassesTheChecker(String variant) throws Exception {
        ModelBundle bundle = bundle(variant);
        Path file = OnnxRankingExport.write(bundle, "rating", tmp.resolve(variant));
        String[] users = {"u1", "u2", "u2", "nobody", "u5"};
        String[] items = {"i3", "i1", "i8", "i2", "unknown"};
        String[] ages = {"a1", "a2", "a1", "a2", ""};
        ModelSpec spec = bundle.model();
        RankingTask task = spec.rankingTasks().get(0);
        List<Embeddings> parts = new ArrayList<>();
        parts.add(bundle.javaTower("user").embed(users));
        parts.add(bundle.javaTower("item").embed(items));
        parts.add(bundle.javaTower("age").embed(ages));
        float[] expected = new RankingHead(task, spec.inputDim(task), bundle.weights())
                .forward(RankingHead.concat(parts), users.length);
        if (variant.equals("bce")) {
            for (int i = 0; i < expected.length; i++) {
                expected[i] = (float) (1 / (1 + Math.exp(-expected[i])));
            }
        }
        var env = OrtSessions.environment();
        try (OrtSession session = env.createSession(file.toString());
                OnnxTensor u = OnnxTensor.createTensor(env, users);
                OnnxTensor it = OnnxTensor.createTensor(env, items);
                OnnxTensor a = OnnxTensor.createTensor(env, ages);
                OrtSession.Result r = session.run(Map.of("user_id", u, "item", it, "age", a))) {
            assertEquals(List.of("rating"), new ArrayList<>(session.getOutputNames()));
            float[][] out = (float[][]) r.get("rating").orElseThrow().getValue();
            float[] actual = new float[out.length];
            for (int i = 0; i < out.length; i++) {
                assertEquals(1, out[i].length);
                actual[i] = out[i][0];
            }
            assertArrayEquals(expected, actual, 1e-5f);
            assertEquals("ranking", session.getMetadata().getCustomMetadata().get("recsys4j.model"));
        }
        OnnxCheckerTest.check(file);
    }

    @org.junit.jupiter.api.Test
    void anOnnxRankerScoresAsTheJavaHeadRanker() throws Exception {
        RankingCase c = RankingCase.of("two towers", 4, List.of(CrossLayerSpec.full(),
                new DenseLayerSpec(3, Activation.RELU), OUT), RankingLoss.MEAN_SQUARED_ERROR, 1.0, -1);
        ModelSpec twoTowers = new ModelSpec(c.spec().towers().subList(0, 2), List.of(new RankingTask("rating",
                List.of("user", "item"), c.spec().rankingTasks().get(0).layers(), RankingLoss.MEAN_SQUARED_ERROR,
                RankingCase.LABEL, 1.0)));
        ModelBundle bundle = new ModelBundle(twoTowers, c.vocabularies(),
                org.recsys4j.model.Initializers.initialWeights(twoTowers, 4), null, null);
        Path file = OnnxRankingExport.write(bundle, "rating", tmp.resolve("two"));
        HeadRanker java = new HeadRanker(bundle.javaRankingHead("rating"), Map.of("user", bundle.javaTower("user"),
                "item", bundle.javaTower("item")), Map.of("user", "user_id", "item", "item"), "user_id", "item");
        List<String> candidates = List.of("i1", "i2", "i3", "i8", "unknown");
        try (OnnxRanker onnx = OnnxRanker.open(file, "user_id", "item", BackendOptions.none())) {
            for (String user : List.of("u1", "u3", "stranger")) {
                assertArrayEquals(java.score(user, candidates), onnx.score(user, candidates), 1e-5f, user);
            }
            assertEquals(0, onnx.score("u1", List.of()).length);
        }
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> OnnxRanker.open(OnnxRankingExport.write(bundle(variantWithAge()), "rating", tmp.resolve("x")),
                        "user_id", "item", BackendOptions.none()));
        assertTrue(e.getMessage().contains("a two-stage ranker feeds only 'user_id' and 'item'"), e.getMessage());
    }

    private static String variantWithAge() {
        return "full-cross";
    }
}
