package org.recsys4j.spark;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.recsys4j.vocab.StringLookup;

/**
 * Turns a DataFrame of interactions into {@link EncodedInteractions} on the driver: the checks and
 * the vocabularies are Spark jobs; the executors encode their partitions into blocks of
 * {@code int[]}/{@code float[]}/{@code double[]} columns, which reach the driver one partition at a
 * time ({@code toLocalIterator}), so neither side ever holds the table as rows.
 */
final class ClusterEncoding {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TwoTowerRetrieval.class);
    /** Rows per block sent to the driver: 64k rows, at most 1.5 MB a block. */
    static final int BLOCK_ROWS = 1 << 16;

    private ClusterEncoding() {
    }

    /** The columns a fit reads, named by their params (weights and timestamps may be null). */
    record Input(String userCol, String itemCol, String weightCol, String timestampCol) {
    }

    static void checkSchema(StructType schema, Input in) {
        Columns.require(schema, "userCol", in.userCol(), Columns.ID_TYPES);
        Columns.require(schema, "itemCol", in.itemCol(), Columns.ID_TYPES);
        if (in.weightCol() != null) {
            Columns.require(schema, "weightCol", in.weightCol(), Columns.NUMERIC_TYPES);
        }
        if (in.timestampCol() != null) {
            Columns.require(schema, "timestampCol", in.timestampCol(), Columns.TIME_TYPES);
        }
    }

    static EncodedInteractions encode(Dataset<?> dataset, Input in) {
        long t0 = System.nanoTime();
        checkSchema(dataset.schema(), in);
        List<Column> cols = new ArrayList<>(List.of(col(in.userCol()).cast("string").as("u"),
                col(in.itemCol()).cast("string").as("i")));
        cols.add(in.weightCol() == null ? lit(1f).as("w") : col(in.weightCol()).cast("float").as("w"));
        cols.add(in.timestampCol() == null ? lit(0d).as("t") : col(in.timestampCol()).cast("double").as("t"));
        Dataset<Row> table = dataset.select(cols.toArray(Column[]::new));

        // One pass for the size, the faults and the timestamp statistics.
        Row stats = table.agg(count(lit(1)), sum(when(col("u").isNull(), 1).otherwise(0)),
                sum(when(col("i").isNull(), 1).otherwise(0)),
                sum(when(col("w").isNull().or(col("w").isNaN()).or(col("w").lt(0)), 1).otherwise(0)),
                sum(when(col("t").isNull().or(col("t").isNaN()), 1).otherwise(0)))
                .first();
        long rows = stats.getLong(0);
        if (rows == 0) {
            throw new IllegalArgumentException("The dataset is empty: no rows in columns " + in.userCol()
                    + " (userCol) and " + in.itemCol() + " (itemCol); TwoTowerRetrieval needs at least one"
                    + " interaction.");
        }
        if (rows > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("The dataset has " + rows + " rows; the driver trains on at most "
                    + (Integer.MAX_VALUE - 8) + " (int-indexed columns).");
        }
        nulls(stats.getLong(1), in.userCol(), "userCol", "null ids");
        nulls(stats.getLong(2), in.itemCol(), "itemCol", "null ids");
        nulls(stats.getLong(3), in.weightCol(), "weightCol", "null, NaN or negative weights");
        nulls(stats.getLong(4), in.timestampCol(), "timestampCol", "null or NaN timestamps");

        long t1 = System.nanoTime();
        StringLookup[] vocabularies = vocabularies(table);
        StringLookup users = vocabularies[0];
        StringLookup items = vocabularies[1];
        long t2 = System.nanoTime();

        SparkSession spark = dataset.sparkSession();
        var jsc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<TokenIndex> userIndex = jsc.broadcast(new TokenIndex(users));
        Broadcast<TokenIndex> itemIndex = jsc.broadcast(new TokenIndex(items));
        try {
            Columnar out = new Columnar((int) rows, in.weightCol() != null, in.timestampCol() != null);
            Dataset<byte[]> blocks = table.mapPartitions(
                    new EncodeBlocks(userIndex, itemIndex, in.weightCol() != null, in.timestampCol() != null),
                    Encoders.BINARY());
            for (Iterator<byte[]> it = blocks.toLocalIterator(); it.hasNext();) {
                out.append(it.next());
            }
            if (out.size != rows) {
                throw new IllegalStateException("the dataset changed while it was read: " + rows + " rows counted, "
                        + out.size + " encoded; cache or checkpoint a non-deterministic input before fit");
            }
            // where a fit's time goes before training: one line, so a slow input shows which step it is
            LOG.info("encoded {} rows: checks {} s, vocabularies {} s, streaming the columns {} s", rows,
                    seconds(t0, t1), seconds(t1, t2), seconds(t2, System.nanoTime()));
            return new EncodedInteractions(users, items, out.users, out.items, out.weights, out.timestamps);
        } finally {
            userIndex.destroy();
            itemIndex.destroy();
        }
    }

    static String seconds(long from, long to) {
        return String.format(java.util.Locale.ROOT, "%.2f", (to - from) / 1e9);
    }

    private static void nulls(long n, String column, String param, String what) {
        if (n > 0) {
            throw new IllegalArgumentException("Column " + column + " (" + param + ") holds " + n + " " + what
                    + "; drop or fill them before fitting.");
        }
    }

    /**
     * The user and the item vocabulary from one distinct over (column, id) pairs: one scan of the
     * input and one shuffle, where a distinct per column would scan it twice.
     */
    private static StringLookup[] vocabularies(Dataset<Row> table) {
        Dataset<Row> distinct = table.select(explode(array(struct(lit(0).as("k"), col("u").as("v")),
                struct(lit(1).as("k"), col("i").as("v")))).as("e")).select(col("e.k"), col("e.v")).distinct();
        List<String> users = new ArrayList<>();
        List<String> items = new ArrayList<>();
        for (Iterator<Row> it = distinct.toLocalIterator(); it.hasNext();) {
            Row r = it.next();
            (r.getInt(0) == 0 ? users : items).add(r.getString(1));
        }
        return new StringLookup[] {sortedLookup(users), sortedLookup(items)};
    }

    /** Sorted distinct tokens, as {@code StringLookup.ofUnique} orders them (np.unique's order). */
    private static StringLookup sortedLookup(List<String> tokens) {
        String[] sorted = tokens.toArray(String[]::new);
        Arrays.sort(sorted);
        return StringLookup.of(Arrays.asList(sorted));
    }

    /** Executor side: a partition's rows as blocks of encoded columns. */
    private record EncodeBlocks(Broadcast<TokenIndex> users, Broadcast<TokenIndex> items, boolean weights,
            boolean timestamps) implements MapPartitionsFunction<Row, byte[]> {
        @Override
        public Iterator<byte[]> call(Iterator<Row> rows) {
            TokenIndex u = users.value();
            TokenIndex i = items.value();
            int bytesPerRow = 8 + (weights ? 4 : 0) + (timestamps ? 8 : 0);
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public byte[] next() {
                    int[] us = new int[BLOCK_ROWS];
                    int[] is = new int[BLOCK_ROWS];
                    float[] ws = new float[weights ? BLOCK_ROWS : 0];
                    double[] ts = new double[timestamps ? BLOCK_ROWS : 0];
                    int n = 0;
                    while (n < BLOCK_ROWS && rows.hasNext()) {
                        Row r = rows.next();
                        us[n] = u.row(r.getString(0));
                        is[n] = i.row(r.getString(1));
                        if (weights) {
                            ws[n] = r.getFloat(2);
                        }
                        if (timestamps) {
                            ts[n] = r.getDouble(3);
                        }
                        n++;
                    }
                    ByteBuffer b = ByteBuffer.allocate(4 + n * bytesPerRow);
                    b.putInt(n);
                    b.asIntBuffer().put(us, 0, n);
                    b.position(b.position() + 4 * n);
                    b.asIntBuffer().put(is, 0, n);
                    b.position(b.position() + 4 * n);
                    if (weights) {
                        b.asFloatBuffer().put(ws, 0, n);
                        b.position(b.position() + 4 * n);
                    }
                    if (timestamps) {
                        b.asDoubleBuffer().put(ts, 0, n);
                    }
                    return b.array();
                }
            };
        }
    }

    /** Driver side: the blocks appended into columns sized once from the row count. */
    private static final class Columnar {
        final int[] users;
        final int[] items;
        final float[] weights;
        final double[] timestamps;
        int size;

        Columnar(int rows, boolean weights, boolean timestamps) {
            users = new int[rows];
            items = new int[rows];
            this.weights = weights ? new float[rows] : null;
            this.timestamps = timestamps ? new double[rows] : null;
        }

        void append(byte[] block) {
            ByteBuffer b = ByteBuffer.wrap(block);
            int n = b.getInt();
            if (size + n > users.length) {
                throw new IllegalStateException("the dataset changed while it was read: more than " + users.length
                        + " rows encoded; cache or checkpoint a non-deterministic input before fit");
            }
            b.asIntBuffer().get(users, size, n);
            b.position(b.position() + 4 * n);
            b.asIntBuffer().get(items, size, n);
            b.position(b.position() + 4 * n);
            if (weights != null) {
                b.asFloatBuffer().get(weights, size, n);
                b.position(b.position() + 4 * n);
            }
            if (timestamps != null) {
                b.asDoubleBuffer().get(timestamps, size, n);
            }
            size += n;
        }
    }
}
