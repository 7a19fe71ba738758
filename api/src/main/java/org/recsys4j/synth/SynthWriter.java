package org.recsys4j.synth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import org.recsys4j.io.AtomicFiles;
import org.recsys4j.io.JsonFiles;
import org.recsys4j.metrics.RankingEvaluation;
import org.recsys4j.metrics.UserItems;
import org.recsys4j.model.Embeddings;
import org.recsys4j.split.Split;
import org.recsys4j.split.SplitSpec;

/**
 * Writes a {@link SyntheticInteractions} log into a directory, streaming: {@code interactions.csv}
 * ({@code user_id,item_id,timestamp}, ids from 1, users in order and each user's rows by time),
 * {@code items.csv} ({@code item_id,label,topic}) and {@code synth.json} (the spec, the shape
 * found, and the perfect model's score). The directory is new and appears whole or not at all
 * ({@link AtomicFiles#writeNewDirectory}); a {@link Conversion} may turn the CSV files into another
 * format before it does.
 *
 * <p>The perfect model's score is measured on the way: each user's rows are split as
 * {@code split} says (a per-user rule, {@code last:N} or {@code last:F}), a seeded sample of users
 * keeps its training and test items, and at the end the generating probabilities rank every item
 * for them under the per-user ranking metrics, beside the most-popular recommender (popularity
 * counted over every user's training rows).
 */
public final class SynthWriter {
    public static final String INTERACTIONS = "interactions.csv";
    public static final String ITEMS = "items.csv";
    public static final String SUMMARY = "synth.json";

    /** What was written and measured. */
    public record Result(Path dir, long rows, double seconds, Map<String, Object> shape, int sampledUsers,
            Map<String, Double> perfect, Map<String, Double> popularity) {
    }

    private SynthWriter() {
    }

    /** Rewrites the CSV files of the staging directory in another format before it is swapped in. */
    @FunctionalInterface
    public interface Conversion {
        /** Keeps CSV. */
        Conversion NONE = staging -> { };

        /** Rewrites the complete CSV files in {@code staging} (the directory before it is renamed in). */
        void convert(Path staging) throws IOException;
    }

    /** As {@link #write(SynthSpec, Path, SplitSpec, int, LongConsumer, Conversion)}, in CSV. */
    public static Result write(SynthSpec spec, Path dir, SplitSpec split, int sampleUsers, LongConsumer progress)
            throws IOException {
        return write(spec, dir, split, sampleUsers, progress, Conversion.NONE);
    }

    /**
     * @param sampleUsers how many users the perfect model is scored on (all, if there are fewer)
     * @param progress told the rows written so far, after each user
     * @param conversion run on the staging directory once the CSV files are complete (Parquet, say)
     */
    public static Result write(SynthSpec spec, Path dir, SplitSpec split, int sampleUsers, LongConsumer progress,
            Conversion conversion) throws IOException {
        if (!split.needsUsers()) {
            throw new IllegalArgumentException("synth scores the perfect model under a per-user split (last:N or"
                    + " last:F), not " + split);
        }
        requireNew(dir);
        long start = System.nanoTime();
        SyntheticInteractions log = new SyntheticInteractions(spec);
        Scoring scoring = new Scoring(spec, split, sampleUsers);
        long[] rows = {0};
        AtomicFiles.writeNewDirectory(dir, staging -> {
            try (CsvRows csv = new CsvRows(Files.newOutputStream(staging.resolve(INTERACTIONS)))) {
                csv.text("user_id,item_id,timestamp").end();
                log.generate((user, items, times, n) -> {
                    for (int k = 0; k < n; k++) {
                        csv.number(user + 1).comma().number(items[k] + 1L).comma().number(times[k]).end();
                    }
                    scoring.add(user, items, times, n);
                    rows[0] += n;
                    progress.accept(rows[0]);
                });
            }
            try (CsvRows csv = new CsvRows(Files.newOutputStream(staging.resolve(ITEMS)))) {
                csv.text("item_id,label,topic").end();
                for (int i = 0; i < spec.items(); i++) {
                    csv.number(i + 1L).comma().text("item " + (i + 1) + " (topic " + log.topic(i) + ")").comma()
                            .number(log.topic(i)).end();
                }
            }
            conversion.convert(staging);
            scoring.finish(log);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("spec", spec);
            summary.put("shape", scoring.shape());
            summary.put("split", split.toString());
            summary.put("sampled_users", scoring.sampled);
            summary.put("perfect", scoring.perfect);
            summary.put("popularity", scoring.popularity);
            Files.write(staging.resolve(SUMMARY), JsonFiles.bytes(summary));
        });
        return new Result(dir, rows[0], (System.nanoTime() - start) / 1e9, scoring.shape(), scoring.sampled,
                scoring.perfect, scoring.popularity);
    }

    /**
     * A synthetic table is written whole into a new directory, so an existing one is refused before
     * anything is generated (an empty one is taken); nothing of the user's is ever deleted.
     */
    private static void requireNew(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isEmpty()) {
                    Files.delete(dir);
                    return;
                }
            }
        }
        if (Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(dir + " exists already; synth writes a new directory whole: name a"
                    + " new one, or remove this one");
        }
    }

    /** The per-user split of each user's rows and the sampled users' items, gathered as users stream by. */
    private static final class Scoring {
        private final SplitSpec split;
        private final long seed;
        private final BitSet chosen = new BitSet();
        private final int[] sampleIndex;
        private final int[] itemCounts;
        private final int[] userCounts;
        private final int numItems;
        private int sampled;
        private int[] trainUsers = new int[1024];
        private int[] trainItems = new int[1024];
        private int trainSize;
        private int[] testUsers = new int[1024];
        private int[] testItems = new int[1024];
        private int testSize;
        private final int[] trainCounts;
        private Map<String, Double> perfect;
        private Map<String, Double> popularity;

        Scoring(SynthSpec spec, SplitSpec split, int sampleUsers) {
            this.split = split;
            this.seed = spec.seed();
            this.numItems = spec.items();
            int n = spec.users();
            int[] order = SyntheticInteractions.permutation(n, new SplittableRandom(spec.seed() + 1));
            for (int k = 0; k < Math.min(sampleUsers, n); k++) {
                chosen.set(order[k]);
            }
            sampleIndex = new int[n];
            itemCounts = new int[spec.items()];
            trainCounts = new int[spec.items()];
            userCounts = new int[n];
        }

        void add(int user, int[] items, long[] times, int n) {
            userCounts[user] = n;
            for (int k = 0; k < n; k++) {
                itemCounts[items[k]]++;
            }
            Split s = split.apply(n, new int[n], Arrays.copyOf(times, n), seed);
            for (int r : s.train()) {
                trainCounts[items[r]]++;
            }
            if (!chosen.get(user)) {
                return;
            }
            int index = sampled++;
            sampleIndex[user] = index;
            for (int r : s.train()) {
                trainUsers = grow(trainUsers, trainSize);
                trainItems = grow(trainItems, trainSize);
                trainUsers[trainSize] = index;
                trainItems[trainSize++] = items[r];
            }
            for (int r : s.test()) {
                testUsers = grow(testUsers, testSize);
                testItems = grow(testItems, testSize);
                testUsers[testSize] = index;
                testItems[testSize++] = items[r];
            }
        }

        private static int[] grow(int[] a, int size) {
            return size < a.length ? a : Arrays.copyOf(a, a.length * 2);
        }

        void finish(SyntheticInteractions log) {
            RankingEvaluation evaluation = RankingEvaluation.standard(
                    UserItems.of(trainUsers, trainItems, rowsUpTo(trainSize), sampled,
                            numItems),
                    UserItems.of(testUsers, testItems, rowsUpTo(testSize), sampled, numItems));
            int[] evaluated = evaluation.users();
            int[] userOfIndex = new int[sampled];
            for (int u = chosen.nextSetBit(0); u >= 0; u = chosen.nextSetBit(u + 1)) {
                userOfIndex[sampleIndex[u]] = u;
            }
            int d = log.spec().topics() + 1;
            float[] q = new float[evaluated.length * d];
            for (int k = 0; k < evaluated.length; k++) {
                System.arraycopy(log.userVector(userOfIndex[evaluated[k]]), 0, q, k * d, d);
            }
            perfect = evaluation.evaluate(new Embeddings(q, evaluated.length, d), log.itemVectors());
            popularity = evaluation.evaluate((user, out) -> {
                for (int j = 0; j < out.length; j++) {
                    out[j] = trainCounts[j];
                }
            });
        }

        private static int[] rowsUpTo(int n) {
            int[] rows = new int[n];
            for (int i = 0; i < n; i++) {
                rows[i] = i;
            }
            return rows;
        }

        Map<String, Object> shape() {
            int[] perUser = userCounts.clone();
            Arrays.sort(perUser);
            int[] perItem = itemCounts.clone();
            Arrays.sort(perItem);
            long total = Arrays.stream(perUser).asLongStream().sum();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("interactions", total);
            m.put("users", perUser.length);
            m.put("items_with_interactions", Arrays.stream(perItem).filter(c -> c > 0).count());
            m.put("per_user_min", perUser[0]);
            m.put("per_user_median", perUser[perUser.length / 2]);
            m.put("per_user_max", perUser[perUser.length - 1]);
            m.put("per_item_median", perItem[perItem.length / 2]);
            m.put("per_item_max", perItem[perItem.length - 1]);
            m.put("top_item_share", total == 0 ? 0.0 : (double) perItem[perItem.length - 1] / total);
            return m;
        }
    }
}
