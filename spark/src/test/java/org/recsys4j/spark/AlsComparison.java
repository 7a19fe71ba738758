package org.recsys4j.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.xxhash64;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.mllib.evaluation.RankingMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.recsys4j.io.AtomicFiles;
import org.recsys4j.io.JsonFiles;
import org.recsys4j.split.Split;
import org.recsys4j.split.SplitSpec;
import scala.Tuple2;

/**
 * recsys4j's {@link TwoTowerRetrieval} and Spark MLlib's ALS side by side, in one local[2] run, on
 * the same DataFrame and the same split (each user's last 20% by time, {@code last:0.2}), judged by
 * Spark's own {@link RankingMetrics}: fit seconds, {@code recommendForAllUsers(100)} seconds and
 * users per second, recall@100, NDCG@10 and MAP@10 with each user's training items left out of
 * both models' lists the same way.
 *
 * <pre>
 * spark/compare-als --table ml-100k --report als.json
 * spark/compare-als --table synth/interactions.csv --user user_id --item item_id --timestamp timestamp \
 *     --sample-users 2000
 * </pre>
 *
 * <p>Each model is given as {@code NAME:KEY=VALUE,...}: {@code als:rank=32,regParam=0.1,alpha=1,maxIter=20}
 * (always implicit, every interaction a preference of 1) or {@code two-tower:rank=64,maxIter=8,...}
 * with any {@link TwoTowerRetrieval} param ({@code timestampCol=timestamp,queryContext=previousItem}
 * for the previous item as the query's context).
 */
public final class AlsComparison {
    private AlsComparison() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        List<String> models = new ArrayList<>();
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--model")) {
                models.add(args[i + 1]);
            } else {
                opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
            }
        }
        if (models.isEmpty()) {
            models.add("als:rank=32,regParam=0.1,alpha=1,maxIter=20");
            models.add("als:rank=128,regParam=0.1,alpha=1,maxIter=10");
            // the command line's --preset temporal: the user's previous item as query context
            models.add("two-tower:rank=64,maxIter=8,logQCorrection=true,l2=0.05,timestampCol=" + timestampOf(opts)
                    + ",queryContext=previousItem,backend=nd4j");
        }
        String table = opts.getOrDefault("table", "ml-100k");
        String user = opts.getOrDefault("user", "user");
        String item = opts.getOrDefault("item", "item");
        String timestamp = opts.getOrDefault("timestamp", "timestamp");
        String splitText = opts.getOrDefault("split", "last:0.2");
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("table", table);
        report.put("split", splitText);
        report.put("load_average_start", loadAverage());
        report.put("processors", Runtime.getRuntime().availableProcessors());

        long t0 = System.nanoTime();
        SparkSession spark = SparkSession.builder().master(opts.getOrDefault("master", "local[2]"))
                .appName("recsys4j-als-comparison").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", opts.getOrDefault("shuffle-partitions", "8"))
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        Path checkpoints = Files.createTempDirectory("als-checkpoints");
        spark.sparkContext().setCheckpointDir(checkpoints.toString()); // ALS's long lineages
        report.put("session_start_seconds", seconds(t0));
        report.put("spark", spark.version());

        Dataset<Row> all = read(spark, table, user, item, timestamp);
        Dataset<Row>[] split = split(spark, all, user, item, timestamp, splitText, report);
        Dataset<Row> train = split[0].cache();
        Dataset<Row> test = split[1].cache();
        report.put("train_rows", train.count());
        report.put("test_rows", test.count());

        // The same protocol for every model: each test user's list of 100, training items left out.
        Dataset<Row> seen = train.groupBy(user).agg(collect_list(item).as("seen")).cache();
        Dataset<Row> truth = test.groupBy(user).agg(collect_list(item).as("truth")).cache();
        Dataset<Row> testUsers = truth.select(user).join(seen, user);
        if (opts.containsKey("sample-users")) {
            // a seeded sample of the test users keeps the lists of heavy users (k = 100 + their history) in bounds
            int sample = Integer.parseInt(opts.get("sample-users"));
            testUsers = testUsers.orderBy(xxhash64(col(user), lit(42))).limit(sample);
            report.put("sample_users", sample);
        }
        testUsers = testUsers.cache();
        int maxSeen = testUsers.agg(max(size(col("seen")))).first().getInt(0);
        report.put("test_users", testUsers.count());
        report.put("max_training_items_per_user", maxSeen);

        List<Map<String, Object>> results = new ArrayList<>();
        report.put("models", results);
        System.out.printf("%s, split %s: %d training and %d test interactions, %d test users scored"
                + " (load average %s)%n", table, splitText, report.get("train_rows"), report.get("test_rows"),
                report.get("test_users"), loadAverage());
        System.out.println("| model | fit s | recommendForAllUsers(100) s | users/s | recall@100 | NDCG@10 | MAP@10 |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (String m : models) {
            Map<String, Object> r = run(spark, m, train, testUsers, truth, user, item, maxSeen);
            results.add(r);
            System.out.printf("| %s | %.1f | %.1f | %.0f | %.4f | %.4f | %.4f |%n", m, r.get("fit_seconds"),
                    r.get("recommend_all_seconds"), r.get("users_per_second"), r.get("recall_at_100"),
                    r.get("ndcg_at_10"), r.get("map_at_10"));
        }
        report.put("load_average_end", loadAverage());
        if (opts.containsKey("report")) {
            AtomicFiles.write(Path.of(opts.get("report")), JsonFiles.bytes(report)); // whole or not at all
        }
        spark.stop();
    }

    private static String timestampOf(Map<String, String> opts) {
        return opts.getOrDefault("timestamp", "timestamp");
    }

    static Dataset<Row> read(SparkSession spark, String table, String user, String item, String timestamp) {
        if (table.equals("ml-100k")) {
            String dir = System.getProperty("recsys4j.testData", "../shared/data/ml-100k");
            return spark.read().option("sep", "\t").schema(user + " INT, " + item + " INT, rating FLOAT, "
                    + timestamp + " BIGINT").csv(Path.of(dir, "u.data").toString());
        }
        if (table.endsWith(".parquet") || Files.isDirectory(Path.of(table))) {
            return spark.read().parquet(table);
        }
        return spark.read().option("header", "true").option("inferSchema", "true").csv(table);
    }

    /**
     * The evaluation split as the rest of recsys4j makes it ({@link SplitSpec}): users and times
     * streamed to the driver as columns, the rule applied there, and the test rows sent back as a
     * broadcast bit set over the rows' positions (zipWithIndex, the same order as the stream).
     */
    @SuppressWarnings("unchecked")
    static Dataset<Row>[] split(SparkSession spark, Dataset<Row> all, String user, String item, String timestamp,
            String spec, Map<String, Object> report) {
        long t0 = System.nanoTime();
        EncodedInteractions columns = ClusterEncoding.encode(all, new ClusterEncoding.Input(user, item, null,
                timestamp));
        long[] times = new long[columns.size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = (long) columns.timestamps()[i];
        }
        Split s = SplitSpec.parse(spec).apply(columns.size(), columns.users(), times, 42);
        java.util.BitSet isTest = new java.util.BitSet(columns.size());
        for (int r : s.test()) {
            isTest.set(r);
        }
        Broadcast<java.util.BitSet> bits = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(isTest);
        var schema = all.schema().add("__test", DataTypes.BooleanType);
        JavaRDD<Row> marked = all.toJavaRDD().zipWithIndex().map(t -> {
            Object[] values = new Object[t._1().length() + 1];
            for (int i = 0; i < t._1().length(); i++) {
                values[i] = t._1().get(i);
            }
            values[values.length - 1] = bits.value().get((int) (long) t._2());
            return RowFactory.create(values);
        });
        Dataset<Row> withFlag = spark.createDataFrame(marked, schema).cache();
        report.put("split_seconds", seconds(t0));
        return new Dataset[] {withFlag.filter(col("__test").equalTo(false)).drop("__test"),
                withFlag.filter(col("__test")).drop("__test")};
    }

    static Map<String, Object> run(SparkSession spark, String model, Dataset<Row> train, Dataset<Row> testUsers,
            Dataset<Row> truth, String user, String item, int maxSeen) {
        String[] kindAndParams = model.split(":", 2);
        Map<String, String> params = new LinkedHashMap<>();
        for (String kv : kindAndParams.length > 1 ? kindAndParams[1].split(",") : new String[0]) {
            String[] p = kv.split("=", 2);
            params.put(p[0], p[1]);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", kindAndParams[0]);
        r.put("params", params);
        r.put("load_average_start", loadAverage());
        long t0 = System.nanoTime();
        Dataset<Row> allUsers;
        Dataset<Row> subset;
        if (kindAndParams[0].equals("als")) {
            ALS als = new ALS().setImplicitPrefs(true).setUserCol(user).setItemCol(item).setRatingCol("preference")
                    .setSeed(42).setColdStartStrategy("drop");
            set(als, params);
            ALSModel fitted = als.fit(train.withColumn("preference", lit(1f)));
            r.put("fit_seconds", seconds(t0));
            allUsers = fitted.recommendForAllUsers(100);
            subset = fitted.recommendForUserSubset(testUsers, 100 + maxSeen);
        } else if (kindAndParams[0].equals("two-tower")) {
            TwoTowerRetrieval twoTower = new TwoTowerRetrieval().setUserCol(user).setItemCol(item);
            set(twoTower, params);
            TwoTowerRetrievalModel fitted = twoTower.fit(train);
            r.put("fit_seconds", seconds(t0));
            allUsers = fitted.recommendForAllUsers(100);
            subset = fitted.recommendForUserSubset(testUsers, 100 + maxSeen);
        } else {
            throw new IllegalArgumentException("model kinds are als and two-tower, got " + kindAndParams[0]);
        }
        long t1 = System.nanoTime();
        allUsers.write().format("noop").mode("overwrite").save();
        double recommendSeconds = seconds(t1);
        long users = train.select(user).distinct().count();
        r.put("recommend_all_seconds", recommendSeconds);
        r.put("users", users);
        r.put("users_per_second", users / recommendSeconds);

        // recommendations: array<struct<item, score or rating>>, best first; drop the seen, keep 100
        Dataset<Row> lists = subset.join(testUsers, user).select(col(user), expr("transform(slice(filter("
                + "recommendations, x -> !array_contains(seen, x." + item + ")), 1, 100), x -> x." + item + ")")
                .as("predicted"));
        JavaRDD<Tuple2<List<Object>, List<Object>>> pairs = lists.join(truth, user).toJavaRDD()
                .map(row -> new Tuple2<>(row.getList(1), row.getList(2)));
        RankingMetrics<Object> metrics = RankingMetrics.of(pairs);
        r.put("recall_at_100", metrics.recallAt(100));
        r.put("ndcg_at_10", metrics.ndcgAt(10));
        r.put("map_at_10", metrics.meanAveragePrecisionAt(10));
        r.put("precision_at_10", metrics.precisionAt(10));
        r.put("load_average_end", loadAverage());
        return r;
    }

    /** KEY=VALUE onto a Spark ML stage's params: strings as they are, everything else as Spark's JSON. */
    static void set(org.apache.spark.ml.param.Params stage, Map<String, String> params) {
        for (var e : params.entrySet()) {
            @SuppressWarnings("unchecked")
            Param<Object> p = (Param<Object>) stage.getParam(e.getKey());
            String v = e.getValue();
            Object value;
            if (p instanceof org.apache.spark.ml.param.DoubleParam) {
                value = Double.parseDouble(v);
            } else if (p instanceof org.apache.spark.ml.param.IntParam) {
                value = Integer.parseInt(v);
            } else if (p instanceof org.apache.spark.ml.param.LongParam) {
                value = Long.parseLong(v);
            } else if (p instanceof org.apache.spark.ml.param.BooleanParam) {
                value = Boolean.parseBoolean(v);
            } else if (p.getClass().equals(Param.class)) {
                value = v;
            } else {
                value = p.jsonDecode(v);
            }
            stage.set(p, value);
        }
    }

    static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
