package org.recsys4j.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.recsys4j.model.Initializers;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Backends;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.spi.Trainer;

/**
 * Runs many training steps and prints the process's resident memory as it goes, to show that
 * native tensors are released: usage {@code TrainingMemoryCheck [backend] [steps] [batch] [options]},
 * options as {@code key=value,key=value} backend options (for example {@code collapse=false}).
 */
public final class TrainingMemoryCheck {
    private TrainingMemoryCheck() {
    }

    public static void main(String[] args) throws IOException {
        String backend = args.length > 0 ? args[0] : "nd4j";
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 8192;
        Map<String, String> options = new java.util.LinkedHashMap<>();
        if (args.length > 3 && !args[3].isBlank()) {
            for (String pair : args[3].split(",")) {
                String[] kv = pair.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("options are key=value pairs, got '" + pair + "'");
                }
                options.put(kv[0].trim(), kv[1].trim());
            }
        }
        RetrievalSpec spec = RandomBatches.spec(32);
        List<FeatureBatch> batches = RandomBatches.batches(20, batch, 3);
        try (Trainer trainer = Backends.get(backend).trainer(spec,
                Map.of("user_id", RandomBatches.users(), "movie_title", RandomBatches.titles()),
                Initializers.initialWeights(spec, 42), new Adagrad(0.1), new BackendOptions(options))) {
            long start = System.nanoTime();
            long firstRss = 0;
            for (int step = 1; step <= steps; step++) {
                trainer.trainStep(batches.get(step % batches.size()));
                if (step % 100 == 0) {
                    trainer.candidateTower().embedIndices(new int[] {1, 2, 3}); // inference runs too
                    trainer.weights();
                }
                if (step == Math.min(200, steps)) {
                    firstRss = rssKb();
                }
                if (step % 250 == 0 || step == steps) {
                    System.out.printf(Locale.ROOT, "step %5d  rss %7.1f MB  %.1f s%n", step, rssKb() / 1024.0,
                            (System.nanoTime() - start) / 1e9);
                }
            }
            System.out.printf(Locale.ROOT, "rss growth from step 200 to %d: %+.1f MB; peak rss %.1f MB%n", steps,
                    (rssKb() - firstRss) / 1024.0, status("VmHWM:") / 1024.0);
        }
    }

    static long rssKb() throws IOException {
        return status("VmRSS:");
    }

    private static long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
