package org.recsys4j.spark;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.recsys4j.index.TopK;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Tower;

/**
 * The executor side of scoring: each partition embeds its queries in blocks of {@code blockSize}
 * through the broadcast tower, and asks the broadcast index for each query's top k, one query at a
 * time with the same call the single-machine {@code Index.search} makes, so the results are the
 * same to the last bit.
 */
final class Scorers {
    static final String SCORE = "score";

    private Scorers() {
    }

    /** {@code array<struct<item, score>>}, best first; the item field is named after the item column. */
    static org.apache.spark.sql.types.ArrayType recommendationsType(String itemCol, IdType itemType) {
        StructType entry = new StructType(new StructField[] {
                DataTypes.createStructField(itemCol, itemType.sparkType(), false),
                DataTypes.createStructField(SCORE, DataTypes.FloatType, false)});
        return DataTypes.createArrayType(entry, false);
    }

    /**
     * Recommendations for users. Each input row holds a user as a vocabulary row ({@code bigint},
     * when {@code byRow}) or as its id cast to string, and, when {@code withExclusions}, an
     * {@code array<string>} of items to leave out (null for none). Unknown users are skipped, as
     * ALS skips users it has no factors for.
     */
    record Users(Broadcast<ScoringState> state, int k, int blockSize, IdType userType, IdType itemType, boolean byRow,
            boolean withExclusions) implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            ScoringState.Loaded m = state.value().loaded();
            return new Blocks(input, blockSize) {
                @Override
                void score(List<Row> block, List<Row> out) {
                    int[] rows = new int[block.size()];
                    List<Set<String>> exclusions = new ArrayList<>(block.size());
                    int n = 0;
                    for (Row r : block) {
                        int row = byRow ? (int) r.getLong(0) : m.users().row(r.getString(0));
                        if (row == org.recsys4j.vocab.StringLookup.OOV_INDEX) {
                            continue;
                        }
                        rows[n++] = row;
                        exclusions.add(withExclusions && !r.isNullAt(1) ? new HashSet<>(r.getList(1)) : Set.of());
                    }
                    Embeddings q = m.queries(java.util.Arrays.copyOf(rows, n));
                    for (int i = 0; i < n; i++) {
                        TopK top = m.index().search(q.row(i), k, exclusions.get(i));
                        out.add(RowFactory.create(userType.value(m.users().token(rows[i])), entries(top, itemType)));
                    }
                }
            };
        }
    }

    /**
     * Items most similar to each input item (a vocabulary row, {@code bigint}): its candidate-tower
     * embedding searched in the index, the item itself left out.
     */
    record Items(Broadcast<ScoringState> state, int k, int blockSize, IdType itemType)
            implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            ScoringState.Loaded m = state.value().loaded();
            Tower candidates = m.candidateTower();
            return new Blocks(input, blockSize) {
                @Override
                void score(List<Row> block, List<Row> out) {
                    int[] rows = new int[block.size()];
                    for (int i = 0; i < rows.length; i++) {
                        rows[i] = (int) block.get(i).getLong(0);
                    }
                    Embeddings q = candidates.embedIndices(rows);
                    for (int i = 0; i < rows.length; i++) {
                        String self = m.items().token(rows[i]);
                        TopK top = m.index().search(q.row(i), k, Set.of(self));
                        out.add(RowFactory.create(itemType.value(self), entries(top, itemType)));
                    }
                }
            };
        }
    }

    /** The entries as the Row encoder takes an array: a Scala Seq. */
    private static scala.collection.Seq<Row> entries(TopK top, IdType itemType) {
        float[] scores = top.scores();
        List<Row> out = new ArrayList<>(scores.length);
        for (int j = 0; j < scores.length; j++) {
            out.add(RowFactory.create(itemType.value(top.identifiers().get(j)), scores[j]));
        }
        return scala.collection.JavaConverters.asScalaBuffer(out);
    }

    /** Pulls the input a block at a time and hands out the block's results. */
    private abstract static class Blocks implements Iterator<Row> {
        private final Iterator<Row> input;
        private final int blockSize;
        private final List<Row> pending = new ArrayList<>();
        private int next;

        Blocks(Iterator<Row> input, int blockSize) {
            this.input = input;
            this.blockSize = blockSize;
        }

        abstract void score(List<Row> block, List<Row> out);

        @Override
        public boolean hasNext() {
            while (next == pending.size() && input.hasNext()) {
                pending.clear();
                next = 0;
                List<Row> block = new ArrayList<>(blockSize);
                while (block.size() < blockSize && input.hasNext()) {
                    block.add(input.next());
                }
                score(block, pending);
            }
            return next < pending.size();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return pending.get(next++);
        }
    }
}
