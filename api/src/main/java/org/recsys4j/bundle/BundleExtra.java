package org.recsys4j.bundle;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Something saved inside a bundle directory beside {@code model.json}, such as an approximate
 * index: {@link BundleIO#save(ModelBundle, Path, BundleExtra...)} writes it into the new
 * directory before swapping that in, so the bundle and its extras appear together or not at all.
 */
@FunctionalInterface
public interface BundleExtra {
    /** Writes into {@code bundleDir}, where {@code model.json} and the weights are already written. */
    void writeInto(Path bundleDir) throws IOException;
}
