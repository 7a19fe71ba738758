package org.recsys4j.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.io.FileFormatTestCase;
import org.recsys4j.io.FormatHeader;
import org.recsys4j.model.Embeddings;

/** The checks every format passes, for a ScaNN index saved in a bundle. */
class IndexFormatTest extends FileFormatTestCase {
    @Override
    protected void write(Path target, int variant) throws IOException {
        ModelBundle bundle = ScannIndexIOTest.bundle(42);
        Embeddings candidates = ScannIndexTest.clustered(new Random(variant), 200, 8, 5);
        ScannIndex index = new ScannIndex(null, ScannParameters.defaults().withNumLeaves(5).withNumLeavesToSearch(2)
                .withNumReorderingCandidates(20).withDimensionsPerBlock(2)).index(ScannIndexTest.ids(200), candidates);
        BundleIO.save(bundle, target, ScannIndexIO.inBundle(index));
    }

    @Override
    protected Object read(Path target) throws IOException {
        return ScannIndexIO.load(target, null).structure();
    }

    private static Path dir(Path target) throws IOException {
        return BundleIO.files(target).extras().get(ScannIndexIO.EXTRA);
    }

    @Override
    protected List<Path> files(Path target) throws IOException {
        return List.of(dir(target).resolve(ScannIndexIO.META_FILE), dir(target).resolve(ScannIndexIO.DATA_FILE));
    }

    @Override
    protected List<Path> checksummed(Path target) throws IOException {
        return List.of(dir(target).resolve(ScannIndexIO.DATA_FILE));
    }

    @Override
    protected FormatHeader header() {
        return ScannIndexIO.HEADER;
    }

    @Override
    protected Path headerFile(Path target) throws IOException {
        return dir(target).resolve(ScannIndexIO.META_FILE);
    }
}
