package org.recsys4j.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What reading a table cost: its source, the files read, the rows, and the seconds from opening to
 * encoded columns.
 */
public record LoadStats(String source, List<String> files, long rows, double seconds) {
    public LoadStats {
        files = files == null ? List.of() : List.copyOf(files);
    }

    /** Rows read per second of loading; 0 if the load took no measurable time. */
    public double rowsPerSecond() {
        return seconds > 0 ? rows / seconds : 0;
    }

    /** The report's {@code data} fields: path, rows, load_seconds, rows_per_second. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", source);
        m.put("files", files);
        m.put("rows", rows);
        m.put("load_seconds", seconds);
        m.put("rows_per_second", rowsPerSecond());
        return m;
    }
}
