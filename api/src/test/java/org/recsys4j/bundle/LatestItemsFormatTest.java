package org.recsys4j.bundle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.io.AtomicFiles;
import org.recsys4j.io.FileFormatTestCase;
import org.recsys4j.io.FormatHeader;

/** The checks every format passes, for each user's latest item saved in a bundle. */
class LatestItemsFormatTest extends FileFormatTestCase {
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

    private static Path file(Path target) throws IOException {
        return BundleIO.files(target).extras().get(LatestItems.EXTRA).resolve(LatestItems.FILE);
    }

    @Override
    protected List<Path> files(Path target) throws IOException {
        return List.of(file(target));
    }

    @Override
    protected List<Path> checksummed(Path target) {
        return List.of(); // guarded by its structure and the vocabularies' SHA-256, not a checksum of its own
    }

    @Override
    protected FormatHeader header() {
        return LatestItems.HEADER;
    }

    @Override
    protected Path headerFile(Path target) {
        return null; // in the safetensors metadata
    }

    @Override
    protected void setVersion(Path target, int version) throws IOException {
        Path file = file(target);
        Map<String, int[]> tensors = Safetensors.readInt32(file);
        Map<String, String> meta = new LinkedHashMap<>(Safetensors.metadata(file));
        meta.put("format_version", Integer.toString(version));
        AtomicFiles.write(file, out -> Safetensors.writeInt32(out, tensors, meta));
    }
}
