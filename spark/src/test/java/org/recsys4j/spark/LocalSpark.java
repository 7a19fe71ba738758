package org.recsys4j.spark;

import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.recsys4j.testing.TestData;

/** One local[2] session per test class, on the loopback address, without the web UI. */
final class LocalSpark {
    private LocalSpark() {
    }

    static SparkSession start(Path scratch) {
        return SparkSession.builder().master("local[2]").appName("recsys4j-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.default.parallelism", "2")
                .config("spark.sql.warehouse.dir", scratch.resolve("warehouse").toString())
                .config("spark.local.dir", scratch.resolve("local").toString())
                .getOrCreate();
    }

    /** MovieLens 100k's u.data in file order: user, item (int ids), rating, timestamp. */
    static Dataset<Row> ml100k(SparkSession spark) {
        Path data = TestData.ml100kDir().resolve("u.data");
        return spark.read().option("sep", "\t").schema("user INT, item INT, rating FLOAT, timestamp BIGINT")
                .csv(data.toString());
    }
}
