package org.recsys4j.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.recsys4j.io.AtomicFiles;
import org.recsys4j.io.JsonFiles;

/** The {@code --report} JSON: built as a map, written atomically. */
final class Report {
    private static final ObjectMapper JSON = JsonFiles.MAPPER;
    private final Map<String, Object> root = new LinkedHashMap<>();

    Report put(String key, Object value) {
        root.put(key, value);
        return this;
    }

    void write(Path file) throws IOException {
        AtomicFiles.write(file, out -> JSON.writeValue(out, root));
    }
}
