package org.recsys4j.examples.tutorial;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.recsys4j.bundle.BundleData;
import org.recsys4j.data.Interactions;
import org.recsys4j.spec.FeatureSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.vocab.Discretization;
import org.recsys4j.vocab.StringLookup;

/**
 * The MovieLens features of the TFRS featurization and context-features tutorials, as tower
 * features besides the ids:
 * <ul>
 *   <li>{@code timestamp}: the rating's timestamp in equal-frequency buckets over the training
 *       ratings, a context feature of the query ({@code timestamp_bucket});
 *   <li>{@code timestamp_normalized}: the rating's timestamp normalised as Keras's
 *       {@code Normalization} adapted to the training ratings, {@code (x - mean) / std}, a numeric
 *       feature of the query (the value times a learned vector). The TFRS context-features tutorial
 *       feeds both this and the buckets: {@code --features timestamp,timestamp_normalized};
 *   <li>{@code user}: the user's age bucket, gender, occupation and first zip digit, derived
 *       from the user id;
 *   <li>{@code title}: the title's words (lower-cased, averaged) and genres, derived from the title;
 *   <li>{@code previous_title}: the title of the user's latest training rating before this one, a
 *       context feature of the query over the title vocabulary (OOV when there is none): the
 *       user's last step, as sequential recommenders read it. Its column comes with the split
 *       ({@link RankingProtocol#previousTrainingItem}).
 * </ul>
 */
public final class MovieLensFeatures {
    public static final String TIMESTAMP = "timestamp";
    public static final String USER = "user";
    public static final String TITLE = "title";
    public static final String TIMESTAMP_NORMALIZED = "timestamp_normalized";
    public static final String PREVIOUS_TITLE = "previous_title";
    public static final Set<String> KINDS = Set.of(TIMESTAMP, TIMESTAMP_NORMALIZED, USER, TITLE, PREVIOUS_TITLE);
    public static final String TIMESTAMP_BUCKET = "timestamp_bucket";
    private static final Pattern WORD = Pattern.compile("[a-z0-9']+");

    /** Towers with the features, the context vocabularies, and train and test with their context columns. */
    public record Featurized(TowerSpec query, TowerSpec candidate, Map<String, StringLookup> contextVocabularies,
            Map<String, BundleData.Normalization> normalization,
            Interactions train, Interactions test, Map<String, Object> description) {
    }

    private MovieLensFeatures() {
    }

    public static Set<String> parse(String list) {
        Set<String> out = new TreeSet<>();
        if (list == null || list.isBlank() || list.equals("none")) {
            return out;
        }
        for (String kind : list.split(",")) {
            String k = kind.trim().toLowerCase(Locale.ROOT);
            if (!KINDS.contains(k)) {
                throw new IllegalArgumentException("--features takes " + new TreeSet<>(KINDS) + " (comma-separated)"
                        + " or none, got '" + kind + "'");
            }
            out.add(k);
        }
        return out;
    }

    public static Featurized apply(Set<String> kinds, int timestampBuckets, TowerSpec query, TowerSpec candidate,
            StringLookup users, StringLookup titles, Interactions ratings, Interactions movies, Interactions train,
            Interactions test) {
        Map<String, StringLookup> vocabularies = new LinkedHashMap<>();
        Map<String, Object> description = new LinkedHashMap<>();
        Map<String, BundleData.Normalization> normalization = new LinkedHashMap<>();
        if (kinds.contains(TIMESTAMP)) {
            Discretization buckets = Discretization.quantiles(train.numbers("timestamp"), timestampBuckets);
            StringLookup vocabulary = buckets.vocabulary();
            train = train.withStrings(TIMESTAMP_BUCKET, buckets.bucketTokens(train.numbers("timestamp")));
            test = test.withStrings(TIMESTAMP_BUCKET, buckets.bucketTokens(test.numbers("timestamp")));
            vocabularies.put(TIMESTAMP_BUCKET, vocabulary);
            query = query.withFeature(FeatureSpec.context(TIMESTAMP_BUCKET, vocabulary.size()));
            description.put(TIMESTAMP_BUCKET, Map.of("buckets", timestampBuckets, "kind", "equal-frequency quantiles"
                    + " of the training timestamps"));
        }
        if (kinds.contains(TIMESTAMP_NORMALIZED)) {
            // Keras Normalization.adapt over the training timestamps; the statistics go into the bundle
            BundleData.Normalization n = BundleData.Normalization.adapt("timestamp", train.numbers("timestamp"));
            train = train.withNumbers(TIMESTAMP_NORMALIZED, n.apply(train.numbers("timestamp")));
            test = test.withNumbers(TIMESTAMP_NORMALIZED, n.apply(test.numbers("timestamp")));
            query = query.withFeature(FeatureSpec.numeric(TIMESTAMP_NORMALIZED));
            normalization.put(TIMESTAMP_NORMALIZED, n);
            description.put(TIMESTAMP_NORMALIZED, Map.of("mean", n.mean(), "std", n.std(), "kind",
                    "(x - mean) / std over the training timestamps (Keras Normalization), times a learned vector"));
        }
        if (kinds.contains(USER)) {
            String[] ids = ratings.strings("user_id");
            double[] age = ratings.numbers("bucketized_user_age");
            String[] gender = ratings.strings("user_gender");
            String[] occupation = ratings.strings("user_occupation_text");
            String[] zip = ratings.strings("user_zip_code");
            query = query.withFeature(
                    derived("user_age_bucket", users, ids, i -> List.of(Integer.toString((int) age[i]))))
                    .withFeature(derived("user_gender", users, ids, i -> List.of(gender[i])))
                    .withFeature(derived("user_occupation", users, ids, i -> List.of(occupation[i])))
                    .withFeature(derived("user_zip1", users, ids, i -> List.of(zip[i].substring(0, Math.min(1,
                            zip[i].length())))));
            description.put(USER, List.of("user_age_bucket", "user_gender", "user_occupation", "user_zip1"));
        }
        if (kinds.contains(TITLE)) {
            String[] ids = movies.strings("movie_title");
            String[] genres = movies.strings("movie_genres");
            candidate = candidate.withFeature(derived("title_words", titles, ids, i -> words(ids[i])))
                    .withFeature(derived("movie_genres", titles, ids,
                            i -> genres[i].isEmpty() ? List.of() : List.of(genres[i].split("\\|"))));
            description.put(TITLE, List.of("title_words", "movie_genres"));
        }
        if (kinds.contains(PREVIOUS_TITLE)) {
            if (!train.has(PREVIOUS_TITLE) || !test.has(PREVIOUS_TITLE)) {
                throw new IllegalArgumentException("the previous_title feature needs its column, made from the"
                        + " split (RankingProtocol.previousTrainingItem)");
            }
            vocabularies.put(PREVIOUS_TITLE, titles);
            query = query.withFeature(FeatureSpec.context(PREVIOUS_TITLE, titles.size()));
            description.put(PREVIOUS_TITLE, "the title of the user's latest training rating before this one (OOV"
                    + " for none), over the title vocabulary");
        }
        return new Featurized(query, candidate, vocabularies, normalization, train, test, description);
    }

    static List<String> words(String title) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(title.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /**
     * A feature derived from an id: the values of the first record of each id (they are the same
     * in every record of that id), looked up in their own sorted vocabulary. The OOV id has none.
     */
    private static FeatureSpec derived(String name, StringLookup idVocabulary, String[] ids,
            java.util.function.IntFunction<List<String>> values) {
        Map<Integer, List<String>> byRow = new HashMap<>();
        TreeSet<String> tokens = new TreeSet<>();
        for (int i = 0; i < ids.length; i++) {
            int row = idVocabulary.index(ids[i]);
            if (row != StringLookup.OOV_INDEX && !byRow.containsKey(row)) {
                List<String> v = values.apply(i);
                byRow.put(row, v);
                tokens.addAll(v);
            }
        }
        StringLookup vocabulary = StringLookup.of(tokens);
        int[][] table = new int[idVocabulary.size()][];
        for (int r = 0; r < table.length; r++) {
            List<String> v = byRow.getOrDefault(r, List.of());
            table[r] = v.stream().mapToInt(vocabulary::index).toArray();
        }
        return FeatureSpec.derived(name, vocabulary.size(), table);
    }
}
