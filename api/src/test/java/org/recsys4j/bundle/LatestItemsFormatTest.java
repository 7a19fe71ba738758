package org.recsys4j.bundle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.recsys4j.io.FormatHeader;

/** The checks every format passes, for each user's latest item saved in a bundle. */
class LatestItemsFormatTest extends SafetensorsExtraFormatTestCase {
    LatestItemsFormatTest() {
        super(LatestItems.EXTRA, LatestItems.FILE);
    }

    @Override
    protected void write(Path target, int variant) throws IOException {
        ModelBundle bundle = BundleSamples.withPreviousItem(42);
        int[] users = variant == 0 ? new int[] {1, 3} : new int[] {2, 3};
        int[] items = variant == 0 ? new int[] {1, 2} : new int[] {2, 1};
        BundleIO.save(bundle, target, LatestItems.of(bundle, "previous_movie_title", users, items).inBundle());
    }

    @Override
    protected Object read(Path target) throws IOException {
        LatestItems latest = LatestItems.load(target, BundleIO.load(target));
        List<Integer> rows = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            rows.add(latest.row(r));
        }
        return rows;
    }

    @Override
    protected FormatHeader header() {
        return LatestItems.HEADER;
    }
}
