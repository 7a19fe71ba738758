package org.recsys4j.serving;

import java.io.IOException;
import java.nio.file.Path;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.bundle.SeenItems;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.testing.TestData;

/** Model versions on disk for the serving tests: MovieLens towers, untrained from a seed each. */
final class ServingFixtures {
    static final int DIM = 16;

    private ServingFixtures() {
    }

    static ModelBundle bundle(long seed) {
        return TestData.untrainedMovieLensBundle(TestData.ml100k(), DIM, seed);
    }

    /** The first 80,000 ratings, as the tutorial's training split holds that many. */
    static Interactions train() {
        MovieLensData ml = TestData.ml100k();
        return ml.ratings().take(80_000);
    }

    /** A server over {@code dir} on a free loopback port, loading once, not polling. */
    static ModelServer serve(Path dir) {
        return ModelServer.start(ServingOptions.defaults(dir).withPort(0).withPollSeconds(0));
    }

    /** Saves version {@code version} under {@code dir}, with the training split's seen items. */
    static ModelBundle saveVersion(Path dir, long version, long seed) throws IOException {
        ModelBundle b = bundle(seed);
        Interactions train = train();
        BundleIO.save(b, dir.resolve(Long.toString(version)),
                SeenItems.of(b, train.strings("user_id"), train.strings("movie_title")).inBundle());
        return b;
    }
}
