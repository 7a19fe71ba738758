package org.recsys4j.examples.tutorial;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.data.Interactions;
import org.recsys4j.spec.Activation;
import org.recsys4j.spec.CrossLayerSpec;
import org.recsys4j.spec.DenseLayerSpec;
import org.recsys4j.spec.HeadLayerSpec;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spec.RankingLoss;
import org.recsys4j.spec.RankingTask;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.vocab.StringLookup;

/**
 * The models of the TFRS ranking tutorials on MovieLens 100k, as specs: basic ranking (user and
 * title embeddings, {@code Dense(256), Dense(64), Dense(1)}), the multitask tutorial's rating head
 * ({@code Dense(256), Dense(128), Dense(1)}), and the DCN tutorial's six concatenated feature
 * embeddings under a cross network or a deep one.
 */
public final class RankingModels {
    /** The label every tutorial predicts. */
    public static final String RATING = "user_rating";
    /** The DCN tutorial's features, in its order: its string features, then its integer ones. */
    public static final List<String> DCN_FEATURES = List.of("movie_id", "user_id", "user_zip_code",
            "user_occupation_text", "user_gender", "bucketized_user_age");

    /** A spec with the vocabularies of the features its towers read. */
    public record Model(ModelSpec spec, Map<String, StringLookup> vocabularies) {
    }

    private RankingModels() {
    }

    /**
     * TFRS basic ranking: user and title embeddings concatenated, {@code Dense(256, relu), Dense(64, relu),
     * Dense(1)}.
     */
    public static Model basicRanking(Interactions ratings, int dim) {
        // the tutorial's vocabularies: the unique user ids and titles of the ratings
        StringLookup users = StringLookup.ofUnique(ratings.strings("user_id"));
        StringLookup titles = StringLookup.ofUnique(ratings.strings("movie_title"));
        ModelSpec spec = new ModelSpec(List.of(TowerSpec.embedding("user", "user_id", users.size(), dim),
                TowerSpec.embedding("movie", "movie_title", titles.size(), dim)),
                List.of(RankingTask.rating("rating", List.of("user", "movie"), RATING, 1.0, 256, 64)));
        return new Model(spec, Map.of("user_id", users, "movie_title", titles));
    }

    /** The DCN tutorial's kinds of model. */
    public enum DcnKind {
        /** A full-rank cross layer, then {@code Dense(192), Dense(192)}. */
        DCN("DCN", 0, 192, 192),
        /** A low-rank cross layer ({@code projection_dim = 20}), then the same deep layers. */
        DCN_LOW_RANK("DCN (low-rank)", 20, 192, 192),
        /** No cross layer: {@code Dense(192)} three times. */
        DNN("DNN", -1, 192, 192, 192);

        public final String label;
        final int projectionDim;
        final int[] deep;

        DcnKind(String label, int projectionDim, int... deep) {
            this.label = label;
            this.projectionDim = projectionDim;
            this.deep = deep;
        }
    }

    /**
     * The DCN tutorial's model: each of {@link #DCN_FEATURES} through its own vocabulary (built
     * from all ratings, as the tutorial's {@code np.unique}) into a 32-wide embedding, the six
     * concatenated, then the cross and deep layers and {@code Dense(1)}.
     *
     * @param ratings every rating with the DCN features as strings ({@link #dcnFeatures})
     */
    public static Model dcn(Interactions ratings, int dim, DcnKind kind) {
        List<TowerSpec> towers = new ArrayList<>();
        Map<String, StringLookup> vocabularies = new LinkedHashMap<>();
        for (String f : DCN_FEATURES) {
            StringLookup v = StringLookup.ofUnique(ratings.strings(f));
            vocabularies.put(f, v);
            towers.add(TowerSpec.embedding(f, f, v.size(), dim));
        }
        List<HeadLayerSpec> layers = new ArrayList<>();
        if (kind.projectionDim >= 0) {
            layers.add(new CrossLayerSpec(kind.projectionDim));
        }
        for (int units : kind.deep) {
            layers.add(new DenseLayerSpec(units, Activation.RELU));
        }
        layers.add(new DenseLayerSpec(1, Activation.LINEAR));
        ModelSpec spec = new ModelSpec(towers, List.of(new RankingTask("rating", DCN_FEATURES, layers,
                RankingLoss.MEAN_SQUARED_ERROR, RATING, 1.0)));
        return new Model(spec, vocabularies);
    }

    /**
     * The ratings as the DCN tutorial maps them: its six features and the rating, the integer
     * features as strings for their lookups (the age bucket as its integer, {@code "25"}; gender,
     * zip code and occupation are strings already).
     */
    public static Interactions dcnFeatures(Interactions ratings) {
        double[] age = ratings.numbers("bucketized_user_age");
        String[] tokens = new String[age.length];
        for (int i = 0; i < age.length; i++) {
            tokens[i] = Integer.toString((int) age[i]);
        }
        Interactions.Builder b = Interactions.builder();
        for (String f : DCN_FEATURES) {
            b.strings(f, f.equals("bucketized_user_age") ? tokens : ratings.strings(f));
        }
        return b.numbers(RATING, ratings.numbers(RATING)).build();
    }
}
