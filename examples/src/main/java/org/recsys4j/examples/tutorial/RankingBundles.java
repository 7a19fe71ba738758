package org.recsys4j.examples.tutorial;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.bundle.Provenance;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.spec.TrainingConfig;
import org.recsys4j.spi.Backend;
import org.recsys4j.train.RecommenderModel;

/** Saves a trained ranking or multitask model as a bundle, with its training config and provenance. */
final class RankingBundles {
    private RankingBundles() {
    }

    /** Writes {@code model} to {@code <output-dir>/<name>} and returns the directory. */
    static Path save(RecommenderModel model, TutorialConfig config, MovieLensData movielens, Backend backend,
            String name) throws IOException {
        Path dir = config.outputDir().resolve(name);
        ModelBundle bundle = new ModelBundle(model.spec(), model.vocabularies(), model.trainer().weights(),
                new TrainingConfig(model.optimizer(), config.batchSize(), config.evalBatchSize(), config.epochs(),
                        config.seed()),
                new Provenance(movielens.name(), movielens.files(), config.seed(), backend.name(),
                        Versions.all(backend), Instant.now().toString()));
        BundleIO.save(bundle, dir);
        return dir;
    }
}
