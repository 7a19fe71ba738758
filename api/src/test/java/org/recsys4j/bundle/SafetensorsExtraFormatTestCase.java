package org.recsys4j.bundle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.io.AtomicFiles;
import org.recsys4j.io.FileFormatTestCase;

/**
 * The format checks of an extra kept as one {@code I32} safetensors file in a bundle (the seen
 * items, the latest items): its header lives in the file's metadata, and it is guarded by its
 * structure and a SHA-256 of the vocabularies it indexes rather than a checksum of its own.
 */
abstract class SafetensorsExtraFormatTestCase extends FileFormatTestCase {
    private final String extra;
    private final String fileName;

    SafetensorsExtraFormatTestCase(String extra, String fileName) {
        this.extra = extra;
        this.fileName = fileName;
    }

    private Path file(Path target) throws IOException {
        return BundleIO.files(target).extras().get(extra).resolve(fileName);
    }

    @Override
    protected List<Path> files(Path target) throws IOException {
        return List.of(file(target));
    }

    @Override
    protected List<Path> checksummed(Path target) {
        return List.of();
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
