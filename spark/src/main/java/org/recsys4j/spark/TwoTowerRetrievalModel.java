package org.recsys4j.spark;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.flatten;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.recsys4j.bundle.BundleExtra;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.LatestItems;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.index.ScannIndex;
import org.recsys4j.index.ScannIndexIO;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Features;

/**
 * A trained two-tower retrieval model as a Spark ML {@link Model}: {@link #transform} adds each
 * row's user's top {@code numRecommendations} items, {@link #recommendForAllUsers} and
 * {@link #recommendForUserSubset} work as Spark's {@code ALSModel}'s do, {@link #similarItems}
 * gives item-to-item neighbours. Scoring runs on the executors: the query tower and the index are
 * broadcast once per model and session. Saved with {@link #write()} (Spark ML metadata plus the
 * recsys4j bundle in {@code bundle/}), so it saves and loads inside a {@code PipelineModel}.
 */
public final class TwoTowerRetrievalModel extends Model<TwoTowerRetrievalModel>
        implements ScoringParams, MLWritable {
    private static final long serialVersionUID = 1L;
    static final String SIMILAR_ITEMS = "similarItems";

    private final String uid;
    private final ScoringParams.Holder params;
    private final transient ModelBundle bundle;
    private final transient ScannIndex index;
    private final transient LatestItems latestItems;
    private final IdType userType;
    private final IdType itemType;
    private transient Broadcast<ScoringState> broadcast;
    private transient SparkContext broadcastContext;

    TwoTowerRetrievalModel(String uid, ModelBundle bundle, ScannIndex index, LatestItems latestItems,
            IdType userType, IdType itemType) {
        this.uid = uid;
        this.params = new ScoringParams.Holder(this);
        this.bundle = Objects.requireNonNull(bundle);
        this.index = index;
        this.latestItems = latestItems;
        this.userType = userType;
        this.itemType = itemType;
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public ScoringParams.Holder scoringParams() {
        return params;
    }

    /** The trained recsys4j bundle: spec, vocabularies and weights, as every other recsys4j tool reads it. */
    public ModelBundle bundle() {
        return bundle;
    }

    /**
     * The query tower's context for these user rows (each user's latest training item, under
     * {@code queryContext=previousItem}), or none: what the executors embed the users with.
     */
    public Features queryContext(int[] userRows) {
        return latestItems == null ? Features.none() : latestItems.fill(userRows, null);
    }

    /** The ScaNN index the executors search, or null when they search exhaustively. */
    public ScannIndex scannIndex() {
        return index;
    }

    // ALS-style setters; the params and getters live in ScoringParams.
    public TwoTowerRetrievalModel setUserCol(String value) {
        set(params.userCol, value);
        return this;
    }

    public TwoTowerRetrievalModel setItemCol(String value) {
        set(params.itemCol, value);
        return this;
    }

    public TwoTowerRetrievalModel setRecommendationsCol(String value) {
        set(params.recommendationsCol, value);
        return this;
    }

    public TwoTowerRetrievalModel setNumRecommendations(int value) {
        set(params.numRecommendations, value);
        return this;
    }

    public TwoTowerRetrievalModel setBlockSize(int value) {
        set(params.blockSize, value);
        return this;
    }

    public TwoTowerRetrievalModel setExclusionsCol(String value) {
        set(params.exclusionsCol, value);
        return this;
    }

    public TwoTowerRetrievalModel setColdStartStrategy(String value) {
        set(params.coldStartStrategy, value);
        return this;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Columns.require(schema, "userCol", getUserCol(), Columns.ID_TYPES);
        Columns.requireAbsent(schema, "recommendationsCol", getRecommendationsCol());
        return schema.add(getRecommendationsCol(), Scorers.recommendationsType(getItemCol(), itemType), true);
    }

    /**
     * The input with a {@code recommendations} column: the top {@code numRecommendations} items
     * for each row's user ({@code array<struct<item, score>>}, best first). Each distinct user is
     * scored once. Users the model has not seen get null, or lose their rows with
     * {@code coldStartStrategy=drop}, as ALS's cold-start strategies do.
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        String key = "__recsys4j_user";
        Dataset<Row> users = dataset.select(col(getUserCol()).cast("string").as(key)).distinct();
        Dataset<Row> recs = score(users, getNumRecommendations(), false, false)
                .select(col(getUserCol()).cast("string").as(key), col(getRecommendationsCol()));
        String join = getColdStartStrategy().equals(ScoringParams.DROP) ? "inner" : "left";
        Dataset<Row> joined = dataset.toDF().join(recs, dataset.col(getUserCol()).cast("string").equalTo(recs.col(key)),
                join);
        return joined.drop(key);
    }

    /** The top {@code k} items for every user of the training data: ({@code userCol}, {@code recommendations}). */
    public Dataset<Row> recommendForAllUsers(int k) {
        checkK(k);
        SparkSession spark = SparkSession.active();
        Dataset<Row> rows = spark.range(1, bundle.vocabulary(bundle.spec().query()).size()).toDF();
        return score(rows, k, true, false);
    }

    /**
     * The top {@code k} items for the distinct users in {@code dataset}'s {@code userCol}; users the
     * model has not seen are left out, as in ALS. When {@code exclusionsCol} is set, that column
     * ({@code array} of item ids, e.g. each user's training items) names items to leave out of that
     * user's list; a user's rows' lists are merged.
     */
    public Dataset<Row> recommendForUserSubset(Dataset<?> dataset, int k) {
        checkK(k);
        Columns.require(dataset.schema(), "userCol", getUserCol(), Columns.ID_TYPES);
        Column user = col(getUserCol()).cast("string");
        boolean withExclusions = isSet(params.exclusionsCol);
        Dataset<Row> users;
        if (withExclusions) {
            var field = Columns.find(dataset.schema(), "exclusionsCol", getExclusionsCol());
            if (!(field.dataType() instanceof org.apache.spark.sql.types.ArrayType a)
                    || !Columns.ID_TYPES.contains(a.elementType())) {
                throw new IllegalArgumentException("Column " + getExclusionsCol() + " (exclusionsCol) must be of type "
                        + "array<string>, array<int> or array<bigint> but was actually of type "
                        + field.dataType().catalogString() + ".");
            }
            users = dataset.groupBy(user.as("u")).agg(array_distinct(flatten(collect_list(
                    col(getExclusionsCol()).cast(DataTypes.createArrayType(DataTypes.StringType))))).as("x"));
        } else {
            users = dataset.select(user.as("u")).distinct();
        }
        return score(users, k, false, withExclusions);
    }

    /**
     * For every item, the {@code k} nearest other items by candidate embedding:
     * ({@code itemCol}, {@code similarItems}).
     */
    public Dataset<Row> similarItems(int k) {
        checkK(k);
        SparkSession spark = SparkSession.active();
        Dataset<Row> rows = spark.range(1, bundle.vocabulary(bundle.spec().candidate()).size()).toDF();
        StructType schema = new StructType()
                .add(getItemCol(), itemType.sparkType(), false)
                .add(SIMILAR_ITEMS, Scorers.recommendationsType(getItemCol(), itemType), false);
        return rows.mapPartitions(new Scorers.Items(broadcast(spark), k, getBlockSize(), itemType),
                Encoders.row(schema));
    }

    private Dataset<Row> score(Dataset<Row> users, int k, boolean byRow, boolean withExclusions) {
        StructType schema = new StructType()
                .add(getUserCol(), userType.sparkType(), false)
                .add(getRecommendationsCol(), Scorers.recommendationsType(getItemCol(), itemType), false);
        return users.mapPartitions(new Scorers.Users(broadcast(users.sparkSession()), k, getBlockSize(), userType,
                itemType, byRow, withExclusions), Encoders.row(schema));
    }

    private static void checkK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
    }

    /** The broadcast scoring state, made once per model and SparkContext. */
    synchronized Broadcast<ScoringState> broadcast(SparkSession spark) {
        SparkContext sc = spark.sparkContext();
        if (broadcast == null || broadcastContext != sc || sc.isStopped()) {
            broadcast = JavaSparkContext.fromSparkContext(sc).broadcast(scoringState());
            broadcastContext = sc;
        }
        return broadcast;
    }

    private ScoringState scoringState() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("recsys4j-model");
            Path bundleDir = dir.resolve("bundle");
            saveBundle(bundleDir);
            Embeddings candidates = null;
            if (index == null) {
                List<String> items = bundle.vocabulary(bundle.spec().candidate()).vocabulary();
                candidates = bundle.javaCandidateTower().embed(items.toArray(String[]::new));
            }
            return ScoringState.of(bundleDir, candidates);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            ModelIO.deleteQuietly(dir);
        }
    }

    /** The bundle, with the index when there is one, and the id types, into a local directory. */
    void saveBundle(Path dir) throws IOException {
        List<BundleExtra> extras = new ArrayList<>(List.of(ModelIO.sparkExtra(userType, itemType)));
        if (index != null) {
            extras.add(ScannIndexIO.inBundle(index));
        }
        if (latestItems != null) {
            extras.add(latestItems.inBundle());
        }
        BundleIO.save(bundle, dir, extras.toArray(BundleExtra[]::new));
    }

    IdType userType() {
        return userType;
    }

    IdType itemType() {
        return itemType;
    }

    @Override
    public TwoTowerRetrievalModel copy(ParamMap extra) {
        TwoTowerRetrievalModel copy = new TwoTowerRetrievalModel(uid, bundle, index, latestItems, userType,
                itemType);
        copyValues(copy, extra);
        return copy.setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new ModelIO.Writer(this);
    }

    public static MLReader<TwoTowerRetrievalModel> read() {
        return new ModelIO.Reader();
    }

    public static TwoTowerRetrievalModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "TwoTowerRetrievalModel: uid=" + uid + ", users=" + (bundle.vocabulary(bundle.spec().query()).size() - 1)
                + ", items=" + (bundle.vocabulary(bundle.spec().candidate()).size() - 1) + ", dim="
                + bundle.spec().query().outputDim() + (index == null ? ", brute force" : ", ScaNN index")
                + (latestItems == null ? "" : ", query context " + latestItems.feature());
    }
}
