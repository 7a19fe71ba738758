package org.recsys4j.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@link ScalingBenchmark}'s results as a Markdown table, one row per size. */
final class ScalingTable {
    private ScalingTable() {
    }

    /**
     * Each trainer's epoch beside its floor in its own kernels ({@link ScalingRun#FLOOR_KERNELS}),
     * then each floor with its fastest way.
     */
    static String format(List<Map<String, Object>> rows, List<String> backends) {
        List<String> floors = backends.stream().filter(ScalingRun.FLOOR_KERNELS::containsKey).toList();
        StringBuilder b = new StringBuilder("| interactions | users | items | CSV load s (rows/s; CPU s)"
                + " | Parquet load s (rows/s; CPU s) | vocabulary s | split s |");
        for (String backend : backends) {
            String kernels = ScalingRun.FLOOR_KERNELS.get(backend);
            b.append(' ').append(backend).append(" s/epoch (").append(kernels == null ? "no floor" : "x " + kernels
                    + " floor").append("; CPU s) |");
        }
        for (String backend : floors) {
            b.append(' ').append(ScalingRun.FLOOR_KERNELS.get(backend)).append(" floor s/epoch (CPU s; fastest way) |");
        }
        b.append(" distinct q x c per batch | eval users x items | brute force s | ScaNN s (+ build)"
                + " | recall@100 brute / ScaNN | peak RSS | load average |\n|");
        b.append(" --- |".repeat(14 + backends.size() + floors.size())).append('\n');
        for (Map<String, Object> r : rows) {
            b.append(String.format(Locale.ROOT, "| %,d | %,d | %,d | %s | %s | %.2f | %.2f |", (long) num(r, "rows"),
                    (long) num(r, "users"), (long) num(r, "items"), load(map(r, "csv_load")),
                    load(map(r, "parquet_load")),
                    num(map(r, "vocabulary"), "seconds"), num(map(r, "split"), "seconds")));
            Map<String, Object> anyFloor = Map.of();
            for (String backend : backends) {
                Map<String, Object> e = map(r, "epoch_" + backend);
                Map<String, Object> floor = map(r, "floor_" + backend);
                anyFloor = floor.isEmpty() ? anyFloor : floor;
                double epoch = num(e, "seconds_per_epoch");
                double ratio = epoch / num(floor, "seconds_per_epoch");
                b.append(String.format(Locale.ROOT, " %s (%s; CPU %s) |", seconds(epoch),
                        Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2f", ratio),
                        seconds(num(e, "cpu_seconds_per_epoch"))));
            }
            for (String backend : floors) {
                Map<String, Object> floor = map(r, "floor_" + backend);
                b.append(String.format(Locale.ROOT, " %s (CPU %s; %s) |", seconds(num(floor, "seconds_per_epoch")),
                        seconds(num(floor, "cpu_seconds_per_epoch")), floor.get("way")));
            }
            Map<String, Object> brute = map(r, "eval_brute_force");
            Map<String, Object> scann = map(r, "eval_scann");
            b.append(String.format(Locale.ROOT, " %,.0f x %,.0f | %,d x %,d | %.2f | %.2f (+ %.2f)"
                    + " | %.3f / %.3f | %.2f GB | %s |%n", num(anyFloor, "mean_distinct_queries"),
                    num(anyFloor, "mean_distinct_candidates"), (long) num(r, "eval_users"), (long) num(r, "eval_items"),
                    num(brute, "seconds"), num(scann, "seconds"), num(scann, "index_build_seconds"),
                    num(brute, "recall_at_100"), num(scann, "recall_at_100"), num(r, "peak_rss_bytes") / 1e9,
                    r.get("load_average")));
        }
        return b.toString();
    }

    /** Seconds to three significant figures below 10 (a 100k epoch is some 0.1 s), to one decimal above. */
    static String seconds(double s) {
        return String.format(Locale.ROOT, s < 1 ? "%.3f" : s < 10 ? "%.2f" : "%.1f", s);
    }

    private static String load(Map<String, Object> m) {
        return String.format(Locale.ROOT, "%.2f (%.2fM; %.2f)", num(m, "seconds"), num(m, "rows_per_second") / 1e6,
                num(m, "cpu_seconds"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> r, String key) {
        Object v = r.get(key);
        return v instanceof Map ? (Map<String, Object>) v : Map.of();
    }

    private static double num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
