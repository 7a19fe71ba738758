package org.recsys4j.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.model.Initializers;
import org.recsys4j.model.Weights;
import org.recsys4j.ranking.HeadRanker;
import org.recsys4j.spec.Activation;
import org.recsys4j.spec.CrossLayerSpec;
import org.recsys4j.spec.DenseLayerSpec;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spec.RankingLoss;
import org.recsys4j.spec.RankingTask;
import org.recsys4j.testing.RankingCase;

/** The ranking SavedModel predicts as the Java head for raw ids, unknown ones included. */
class SavedModelRankingTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(RankingLoss.class)
    void theSavedModelScoresAsTheJavaHead(RankingLoss loss) throws Exception {
        RankingCase c = RankingCase.of("saved", 6, List.of(new DenseLayerSpec(1, Activation.LINEAR)),
                RankingLoss.MEAN_SQUARED_ERROR, 1.0, -1);
        ModelSpec spec = new ModelSpec(c.spec().towers().subList(0, 2), List.of(new RankingTask("rating",
                List.of("user", "item"), List.of(CrossLayerSpec.lowRank(2), new DenseLayerSpec(4, Activation.RELU),
                new DenseLayerSpec(1, Activation.LINEAR)), loss, RankingCase.LABEL, 1.0)));
        Random random = new Random(3);
        Map<String, FloatTensor> w = new LinkedHashMap<>();
        Initializers.initialWeights(spec, 6).asMap().forEach((name, t) -> {
            float[] v = t.data().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (random.nextGaussian() * 0.2);
            }
            w.put(name, new FloatTensor(t.shape(), v));
        });
        ModelBundle bundle = new ModelBundle(spec, c.vocabularies(), new Weights(w), null, null);
        Path exported = SavedModelRankingExport.export(bundle, "rating", tmp, 1);
        HeadRanker java = new HeadRanker(bundle.javaRankingHead("rating"), Map.of("user", bundle.javaTower("user"),
                "item", bundle.javaTower("item")), Map.of("user", "user_id", "item", "item"), "user_id", "item");
        List<String> candidates = List.of("i1", "i4", "i8", "not an item");
        try (SavedModelRankingExport.Served served = new SavedModelRankingExport.Served(exported, "user_id", "item")) {
            for (String user : List.of("u2", "u6", "nobody")) {
                assertArrayEquals(java.score(user, candidates), served.score(user, candidates), 1e-5f, user);
            }
        }
        assertThrows(java.io.IOException.class, () -> SavedModelRankingExport.export(bundle, "rating", tmp, 1));
        assertThrows(IllegalArgumentException.class, () -> new SavedModelRankingExport.Served(exported, "user_id",
                "movie_title"));
    }
}
