package org.recsys4j.bundle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.recsys4j.io.FileFormatTestCase;
import org.recsys4j.io.FormatHeader;

/** The checks every format passes, for model bundles. */
class BundleFormatTest extends FileFormatTestCase {
    @Override
    protected void write(Path target, int variant) throws IOException {
        BundleIO.save(BundleSamples.sample(variant), target);
    }

    @Override
    protected Object read(Path target) throws IOException {
        return BundleSamples.content(BundleIO.load(target));
    }

    @Override
    protected List<Path> files(Path target) throws IOException {
        BundleIO.CommittedFiles files = BundleIO.files(target);
        return List.of(files.model(), files.weights());
    }

    @Override
    protected List<Path> checksummed(Path target) throws IOException {
        return List.of(BundleIO.files(target).weights());
    }

    @Override
    protected FormatHeader header() {
        return BundleFormat.HEADER;
    }

    @Override
    protected Path headerFile(Path target) {
        return target.resolve(BundleIO.MODEL_FILE);
    }
}
