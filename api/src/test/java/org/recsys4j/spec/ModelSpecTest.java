package org.recsys4j.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.recsys4j.model.Initializers;

class ModelSpecTest {
    private static final TowerSpec USERS = TowerSpec.embedding("query", "user_id", 10, 4);
    private static final TowerSpec TITLES = TowerSpec.embedding("candidate", "movie_title", 20, 4);

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void aRetrievalSpecIsAModelWithOneRetrievalTaskAndTheSameWeights() {
        RetrievalSpec retrieval = new RetrievalSpec(USERS, TITLES, RetrievalTaskSpec.defaults());
        ModelSpec model = ModelSpec.of(retrieval);
        assertTrue(model.retrievalOnly());
        assertEquals(retrieval, model.retrieval());
        var a = Initializers.initialWeights(retrieval, 42);
        var b = Initializers.initialWeights(model, 42);
        assertEquals(a.names(), b.names());
        for (String name : a.names()) {
            assertEquals(a.get(name), b.get(name), name);
        }
    }

    @Test
    void aMultitaskModelDeclaresItsHeadWeights() {
        ModelSpec model = new ModelSpec(List.of(USERS, TITLES), List.of(
                RankingTask.rating("rating", List.of("query", "candidate"), "user_rating", 1, 256, 128),
                RetrievalTask.of("query", "candidate")));
        assertEquals(8, model.inputDim(model.rankingTasks().get(0)));
        assertEquals(List.of(8, 256), List.of(model.weightShapes().get("rating/dense_0/kernel")[0],
                model.weightShapes().get("rating/dense_0/kernel")[1]));
        assertEquals(1, model.weightShapes().get("rating/dense_2/bias")[0]);
        assertTrue(!model.retrievalOnly());
        RankingTask dcn = new RankingTask("rating", List.of("query", "candidate"),
                List.of(CrossLayerSpec.lowRank(3), new DenseLayerSpec(5, Activation.RELU),
                        new DenseLayerSpec(1, Activation.LINEAR)), RankingLoss.MEAN_SQUARED_ERROR, "user_rating", 1);
        var shapes = new ModelSpec(List.of(USERS, TITLES), List.of(dcn)).weightShapes();
        assertEquals(List.of(8, 3), List.of(shapes.get("rating/cross_0/kernel_u")[0],
                shapes.get("rating/cross_0/kernel_u")[1]));
        assertEquals(List.of(3, 8), List.of(shapes.get("rating/cross_0/kernel_v")[0],
                shapes.get("rating/cross_0/kernel_v")[1]));
        assertEquals(8, shapes.get("rating/cross_0/bias")[0]);
        // Glorot bounds: sqrt(6 / (8 + 3))
        float limit = (float) Math.sqrt(6.0 / 11);
        for (float v : Initializers.initialWeights(new ModelSpec(List.of(USERS, TITLES), List.of(dcn)), 1)
                .get("rating/cross_0/kernel_u").data()) {
            assertTrue(Math.abs(v) <= limit && v != 0);
        }
    }

    @Test
    void badModelsAreRefusedNamingTheField() {
        assertTrue(message(() -> new ModelSpec(List.of(USERS, TITLES), List.of(
                RankingTask.rating("rating", List.of("query", "candidate"), "user_rating", 0, 8),
                RetrievalTask.of("query", "candidate").withWeight(0)))).contains("every task's loss weight is 0"));
        assertTrue(message(() -> new RankingTask("rating", List.of(), List.of(CrossLayerSpec.full(),
                new DenseLayerSpec(1, Activation.LINEAR)), RankingLoss.MEAN_SQUARED_ERROR, "user_rating", 1))
                .contains("ranking task 'rating' has no inputs: its head (a cross layer among its layers)"));
        assertTrue(message(() -> new ModelSpec(List.of(USERS), List.of(
                RankingTask.rating("rating", List.of("query", "movie"), "user_rating", 1, 8))))
                .contains("task 'rating' reads tower 'movie'"));
        assertTrue(message(() -> new RankingTask("rating", List.of("query"), List.of(new DenseLayerSpec(4,
                Activation.RELU)), RankingLoss.MEAN_SQUARED_ERROR, "user_rating", 1)).contains("Dense(1)"));
        assertTrue(message(() -> new RankingTask("rating", List.of("query"), List.of(new DenseLayerSpec(4,
                Activation.RELU), CrossLayerSpec.full(), new DenseLayerSpec(1, Activation.LINEAR)),
                RankingLoss.MEAN_SQUARED_ERROR, "user_rating", 1)).contains("cross layers come before"));
        assertTrue(message(() -> RankingTask.rating("rating", List.of("query"), " ", 1, 8)).contains("label column"));
        assertTrue(message(() -> RankingTask.rating("rating", List.of("query"), "y", Double.NaN, 8))
                .contains("task 'rating': loss weight"));
        assertTrue(message(() -> new ModelSpec(List.of(USERS, TITLES), List.of(RetrievalTask.of("query", "candidate"),
                new RetrievalTask("again", "query", "candidate", null, 1)))).contains("at most one Retrieval task"));
        assertTrue(message(() -> new ModelSpec(List.of(USERS, USERS), List.of(RetrievalTask.of("query", "query"))))
                .contains("two towers are named 'query'"));
        assertTrue(message(() -> CrossLayerSpec.lowRank(0)).contains("projection dimension"));
        assertTrue(message(() -> new Adam(0.01, 1.0, 0.999, 1e-7)).contains("beta1"));
    }
}
