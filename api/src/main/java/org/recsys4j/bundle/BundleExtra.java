package org.recsys4j.bundle;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Something saved inside a bundle beside {@code model.json}, such as an approximate index:
 * {@link BundleIO#save(ModelBundle, Path, BundleExtra...)} has it fill a directory of the new
 * generation ({@code index-7/}) and names that directory in {@code model.json}'s {@code extras},
 * so the bundle and its extras are committed together or not at all.
 */
public interface BundleExtra {
    /**
     * The extra's name in {@code extras} and the stem of its directories; one of
     * {@link BundleFormat#EXTRAS}, so that saves know to remove its old generations.
     */
    String name();

    /**
     * Writes into {@code dir}, an empty directory.
     *
     * @param weightsSha256 the SHA-256 of the weights saved with it, to notice later when they differ
     */
    void writeInto(Path dir, String weightsSha256) throws IOException;
}
