package org.recsys4j.examples.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.recsys4j.bundle.BundleData;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.data.ItemCatalog;
import org.recsys4j.data.MalformedDataException;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.data.MovieLensDatasets;
import org.recsys4j.vocab.StringLookup;

/**
 * The candidates a command indexes for a bundle: the movies of a MovieLens directory when one is named
 * ({@code --data-dir}), else the catalog saved in the bundle ({@code data.json}, written by {@code train}
 * and the MovieLens commands), else, for an older bundle without one, the default MovieLens directory.
 */
final class Catalogs {
    private Catalogs() {
    }

    static ItemCatalog of(Path bundleDir, ModelBundle model, MovieLensDatasets datasets, Path dataDir, Output out)
            throws IOException {
        if (dataDir == null && BundleData.exists(bundleDir)) {
            return BundleData.load(bundleDir).items();
        }
        MovieLensData data = datasets.load(dataDir);
        return new ItemCatalog(known(bundleDir, model, data.movies().strings(model.spec().candidate().feature()),
                out));
    }

    /**
     * The data's titles that the model has an embedding for. Titles it never saw would all share the
     * out-of-vocabulary embedding, so they are left out, and how many is said; when none is known the
     * data is not what the model was trained on.
     */
    private static String[] known(Path bundleDir, ModelBundle model, String[] titles, Output out)
            throws IOException {
        StringLookup vocabulary = model.vocabulary(model.spec().candidate());
        String[] known = Arrays.stream(titles).filter(vocabulary::contains).toArray(String[]::new);
        int unknown = titles.length - known.length;
        String example = Arrays.stream(titles).filter(t -> !vocabulary.contains(t)).findFirst().orElse("");
        if (known.length == 0) {
            throw new IOException("none of the " + titles.length + " titles in the data is in the model's"
                    + " vocabulary (e.g. " + MalformedDataException.quote(example) + "): is this the data the model"
                    + " in " + bundleDir + " was trained on?");
        }
        if (unknown > 0) {
            out.warn(unknown + " of " + titles.length + " titles in the data are not in the model's vocabulary"
                    + " (e.g. " + MalformedDataException.quote(example) + ") and are left out of the recommendations");
        }
        return known;
    }
}
