package org.recsys4j.bundle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.recsys4j.io.FormatHeader;

/** The checks every format passes, for the seen items saved in a bundle. */
class SeenItemsFormatTest extends SafetensorsExtraFormatTestCase {
    SeenItemsFormatTest() {
        super(SeenItems.EXTRA, SeenItems.FILE);
    }

    @Override
    protected void write(Path target, int variant) throws IOException {
        ModelBundle bundle = BundleSamples.sample(42);
        String[] users = variant == 0 ? new String[] {"1", "42"} : new String[] {"2", "42", "42"};
        String[] titles = variant == 0 ? new String[] {"Toy Story (1995)", "Toy Story (1995)"}
                : new String[] {"Toy Story (1995)", "Toy Story (1995)", "Misérables, Les (1995)"};
        BundleIO.save(bundle, target, SeenItems.of(bundle, users, titles).inBundle());
    }

    @Override
    protected Object read(Path target) throws IOException {
        SeenItems seen = SeenItems.load(target, BundleIO.load(target));
        List<List<Integer>> rows = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            rows.add(java.util.Arrays.stream(seen.rows(r)).boxed().toList());
        }
        return rows;
    }

    @Override
    protected FormatHeader header() {
        return SeenItems.HEADER;
    }
}
