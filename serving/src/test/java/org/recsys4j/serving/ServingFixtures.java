package org.recsys4j.serving;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.bundle.SeenItems;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.testing.TestData;

/**
 * Model versions on disk for the serving tests: towers over a synthetic data set of MovieLens
 * 100k's shape, untrained from a seed each. Synthetic, so that the serving tests run where the
 * MovieLens files are not (the examples' tests serve the real ones): 943 users "1" to "943",
 * 1,664 titles ("Star Wars (1977)" and made-up ones with commas, quotes, apostrophes, ampersands
 * and letters beyond ASCII, which the JSON and the web page must carry intact), and a seeded
 * 20 to 80 ratings a user (user 42 rates 120).
 */
final class ServingFixtures {
    static final int DIM = 16;
    static final int USERS = 943;
    static final int TITLES = 1664;
    private static final MovieLensData DATA = synthetic();

    private ServingFixtures() {
    }

    static ModelBundle bundle(long seed) {
        return TestData.untrainedMovieLensBundle(DATA, DIM, seed);
    }

    /** The ratings the seen items come from. */
    static Interactions train() {
        return DATA.ratings();
    }

    /** A server over {@code dir} on a free loopback port, loading once, not polling. */
    static ModelServer serve(Path dir) {
        return ModelServer.start(ServingOptions.defaults(dir).withPort(0).withPollSeconds(0));
    }

    /** Saves version {@code version} under {@code dir}, with the ratings' seen items. */
    static ModelBundle saveVersion(Path dir, long version, long seed) throws IOException {
        ModelBundle b = bundle(seed);
        Interactions train = train();
        BundleIO.save(b, dir.resolve(Long.toString(version)),
                SeenItems.of(b, train.strings("user_id"), train.strings("movie_title")).inBundle());
        return b;
    }

    private static MovieLensData synthetic() {
        String[] odd = {"%d, The", "L'Amour %d", "\"Quoted\" %d", "Amélie %d", "Ça %d & Co.", "Movie %d"};
        String[] titles = new String[TITLES];
        String[] movieIds = new String[TITLES];
        titles[0] = "Star Wars (1977)";
        for (int i = 0; i < TITLES; i++) {
            movieIds[i] = Integer.toString(i + 1);
            if (i > 0) {
                titles[i] = String.format(Locale.ROOT, odd[i % odd.length], i) + " (" + (1920 + i % 80) + ")";
            }
        }
        Random random = new Random(7);
        java.util.List<String> users = new java.util.ArrayList<>();
        java.util.List<String> rated = new java.util.ArrayList<>();
        java.util.List<Double> ratings = new java.util.ArrayList<>();
        for (int u = 1; u <= USERS; u++) {
            int count = u == 42 ? 120 : 20 + random.nextInt(61);
            Set<Integer> movies = new LinkedHashSet<>();
            while (movies.size() < count) {
                double r = random.nextDouble();
                movies.add((int) (TITLES * r * r)); // the first titles are the popular ones, as in MovieLens
            }
            for (int m : movies) {
                users.add(Integer.toString(u));
                rated.add(titles[m]);
                ratings.add(1.0 + random.nextInt(5));
            }
        }
        Interactions ratingsTable = Interactions.builder().strings("user_id", users.toArray(String[]::new))
                .strings("movie_title", rated.toArray(String[]::new))
                .numbers("user_rating", ratings.stream().mapToDouble(Double::doubleValue).toArray()).build();
        Interactions moviesTable = Interactions.builder().strings("movie_id", movieIds).strings("movie_title", titles)
                .build();
        return new MovieLensData("synthetic-ml-100k", ratingsTable, moviesTable, Map.of());
    }
}
