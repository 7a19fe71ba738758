package org.recsys4j.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Specs, tasks, head layers and optimizers read back from their JSON; the forms written before ranking still read. */
class ModelSpecJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Test
    void aMultitaskModelWithCrossLayersRoundTrips() throws Exception {
        ModelSpec spec = new ModelSpec(List.of(TowerSpec.embedding("user", "user_id", 10, 4)
                .withDense(3, Activation.RELU), TowerSpec.embedding("movie", "movie_title", 20, 3)), List.of(
                new RankingTask("rating", List.of("user", "movie"), List.of(CrossLayerSpec.lowRank(2),
                        new DenseLayerSpec(8, Activation.RELU), new DenseLayerSpec(1, Activation.LINEAR)),
                        RankingLoss.BINARY_CROSSENTROPY, "clicked", 0.5),
                new RetrievalTask("retrieval", "user", "movie", new RetrievalTaskSpec(0.5, 0.1), 1.0)));
        String json = JSON.writeValueAsString(spec);
        assertTrue(json.contains("\"type\":\"ranking\"") && json.contains("\"type\":\"cross\""), json);
        assertEquals(spec, JSON.readValue(json, ModelSpec.class));
        TrainingConfig adam = new TrainingConfig(new Adam(0.01), 8192, 4096, 8, 42);
        assertEquals(adam, JSON.readValue(JSON.writeValueAsString(adam), TrainingConfig.class));
    }

    @Test
    void layersAndOptimizersWithoutATypeReadAsBefore() throws Exception {
        assertEquals(new DenseLayerSpec(4, Activation.RELU),
                JSON.readValue("{\"units\":4,\"activation\":\"RELU\"}", DenseLayerSpec.class));
        assertEquals(new TrainingConfig(new Adagrad(0.1), 8192, 4096, 3, 42), JSON.readValue("{\"optimizer\":"
                + "{\"learningRate\":0.1,\"initialAccumulatorValue\":0.1,\"epsilon\":1.0E-7},\"batchSize\":8192,"
                + "\"evalBatchSize\":4096,\"epochs\":3,\"seed\":42}", TrainingConfig.class));
    }
}
