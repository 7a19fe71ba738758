package org.recsys4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each trainer's epoch is set against its own floor, and every row has as many cells as the header. */
class ScalingTableTest {
    private static Map<String, Object> row() {
        return Map.ofEntries(Map.entry("rows", 1_000_000), Map.entry("users", 6502), Map.entry("items", 58490),
                Map.entry("csv_load", Map.of("seconds", 0.5, "rows_per_second", 2e6, "cpu_seconds", 0.6)),
                Map.entry("parquet_load", Map.of("seconds", 0.2, "rows_per_second", 5e6, "cpu_seconds", 0.3)),
                Map.entry("vocabulary", Map.of("seconds", 0.1)), Map.entry("split", Map.of("seconds", 0.1)),
                Map.entry("epoch_nd4j", Map.of("seconds_per_epoch", 12.0, "cpu_seconds_per_epoch", 11.0)),
                Map.entry("epoch_tensorflow", Map.of("seconds_per_epoch", 6.0, "cpu_seconds_per_epoch", 5.5)),
                Map.entry("floor_nd4j", Map.of("seconds_per_epoch", 8.0, "cpu_seconds_per_epoch", 7.5, "way",
                        "row_blocks_1_threads", "mean_distinct_queries", 4241.0, "mean_distinct_candidates", 5518.0)),
                Map.entry("floor_tensorflow", Map.of("seconds_per_epoch", 4.0, "cpu_seconds_per_epoch", 4.2, "way",
                        "trainers_softmax_default_threads", "mean_distinct_queries", 4241.0,
                        "mean_distinct_candidates", 5518.0)),
                Map.entry("eval_users", 6502), Map.entry("eval_items", 58490),
                Map.entry("eval_brute_force", Map.of("seconds", 1.0, "recall_at_100", 0.05)),
                Map.entry("eval_scann", Map.of("seconds", 0.5, "index_build_seconds", 1.0, "recall_at_100", 0.05)),
                Map.entry("peak_rss_bytes", 1.2e9), Map.entry("load_average", "1.00 1.00 1.00"));
    }

    @Test
    void eachTrainerAgainstItsOwnFloor() {
        String table = ScalingTable.format(List.of(row()), List.of("nd4j", "tensorflow"));
        String[] lines = table.split("\n");
        assertTrue(lines[0].contains("| nd4j s/epoch (x OpenBLAS floor; CPU s) | tensorflow s/epoch"
                + " (x TensorFlow floor; CPU s) | OpenBLAS floor s/epoch (CPU s; fastest way)"
                + " | TensorFlow floor s/epoch"), lines[0]);
        // 12 / 8 and 6 / 4
        assertTrue(lines[2].contains("| 12.0 (1.50; CPU 11.0) | 6.00 (1.50; CPU 5.50) | 8.00 (CPU 7.50;"
                + " row_blocks_1_threads) | 4.00 (CPU 4.20; trainers_softmax_default_threads) | 4,241 x 5,518 |"),
                lines[2]);
        for (String line : lines) {
            assertEquals(lines[0].chars().filter(c -> c == '|').count(), line.chars().filter(c -> c == '|').count(),
                    line);
        }
    }

    @Test
    void aTrainerWithoutAFloorIsShownWithoutARatio() {
        String table = ScalingTable.format(List.of(row()), List.of("tensorflow"));
        String[] lines = table.split("\n");
        assertTrue(lines[2].contains("| 6.00 (1.50; CPU 5.50) | 4.00 (CPU 4.20;"), lines[2]);
        assertTrue(!lines[0].contains("OpenBLAS"), lines[0]);
        table = ScalingTable.format(List.of(row()), List.of("onnx"));
        assertTrue(table.split("\n")[0].contains("onnx s/epoch (no floor; CPU s)"), table);
        assertTrue(table.split("\n")[2].contains("(-; CPU"), table);
    }
}
