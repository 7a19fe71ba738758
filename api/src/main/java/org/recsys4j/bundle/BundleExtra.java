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

    /** Writes an extra's directory; see {@link #writeInto}. */
    @FunctionalInterface
    interface Writer {
        /** Writes into {@code dir}, an empty directory; see {@link BundleExtra#writeInto}. */
        void writeInto(Path dir, String weightsSha256) throws IOException;
    }

    /** The extra {@code name}, written by {@code writer}. */
    static BundleExtra of(String name, Writer writer) {
        return new BundleExtra() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void writeInto(Path dir, String weightsSha256) throws IOException {
                writer.writeInto(dir, weightsSha256);
            }
        };
    }
}
