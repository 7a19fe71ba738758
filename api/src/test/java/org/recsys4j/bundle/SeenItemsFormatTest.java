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

/** The checks every format passes, for the seen items saved in a bundle. */
class SeenItemsFormatTest extends FileFormatTestCase {
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

    private static Path file(Path target) throws IOException {
        return BundleIO.files(target).extras().get(SeenItems.EXTRA).resolve(SeenItems.FILE);
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
        return SeenItems.HEADER;
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
