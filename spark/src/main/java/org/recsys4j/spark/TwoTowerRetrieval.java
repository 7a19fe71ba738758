package org.recsys4j.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.index.ScannIndex;
import org.recsys4j.index.ScannParameters;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Backends;

/**
 * A two-tower retrieval model (TFRS's {@code Retrieval} task: user tower, item tower, in-batch
 * softmax) as a Spark ML estimator, with ALS's shape: ids in {@code userCol} and {@code itemCol},
 * optional {@code weightCol}, {@code rank} for the embedding dimension, {@code maxIter} epochs.
 * With {@code timestampCol} and {@code queryContext=previousItem} the query tower also reads the
 * item of the user's interaction before the example (the command line's {@code --preset temporal}),
 * and the model asks each user's query with that user's latest training item.
 *
 * <pre>{@code
 * TwoTowerRetrievalModel model = new TwoTowerRetrieval().setUserCol("user").setItemCol("movie")
 *         .setRank(64).setMaxIter(10).setLogQCorrection(true).fit(ratings);
 * Dataset<Row> top100 = model.recommendForAllUsers(100);
 * }</pre>
 *
 * <p>{@link #fit} builds the vocabularies and item counts with Spark jobs, streams the encoded
 * columns to the driver a block at a time, and trains there on the chosen recsys4j backend.
 */
public final class TwoTowerRetrieval extends Estimator<TwoTowerRetrievalModel>
        implements ScoringParams, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    static final String BRUTE_FORCE = "brute-force";
    static final String SCANN = "scann";
    static final String NO_CONTEXT = "none";
    static final String PREVIOUS_ITEM = "previousItem";

    private final String uid;
    private final ScoringParams.Holder scoring;
    private final Param<String> weightCol;
    private final Param<String> timestampCol;
    private final Param<String> queryContext;
    private final IntParam rank;
    private final IntArrayParam layerSizes;
    private final BooleanParam normalize;
    private final IntParam maxIter;
    private final IntParam batchSize;
    private final DoubleParam learningRate;
    private final LongParam seed;
    private final DoubleParam temperature;
    private final DoubleParam l2;
    private final DoubleParam l2PerTable;
    private final BooleanParam logQCorrection;
    private final BooleanParam removeAccidentalHits;
    private final IntParam numHardNegatives;
    private final IntParam extraNegatives;
    private final Param<String> backend;
    private final Param<String> backendOptions;
    private final Param<String> index;
    private final IntParam numLeaves;
    private final IntParam numLeavesToSearch;
    private final IntParam numReorderingCandidates;

    public TwoTowerRetrieval() {
        this(Identifiable$.MODULE$.randomUID("twoTowerRetrieval"));
    }

    public TwoTowerRetrieval(String uid) {
        this.uid = uid;
        this.scoring = new ScoringParams.Holder(this);
        weightCol = new Param<>(this, "weightCol", "optional column of non-negative example weights");
        timestampCol = new Param<>(this, "timestampCol", "optional column of interaction times (numeric or"
                + " timestamp) that orders each user's history; read by queryContext=previousItem");
        queryContext = new Param<>(this, "queryContext", "what the query tower reads besides the user id: 'none',"
                + " or 'previousItem' (the item of the user's interaction before this one by timestampCol;"
                + " recommendations use the user's latest training item)",
                ParamValidators.inArray(new String[] {NO_CONTEXT, PREVIOUS_ITEM}));
        rank = new IntParam(this, "rank", "embedding dimension of both towers (ALS's rank)", ParamValidators.gtEq(1));
        layerSizes = new IntArrayParam(this, "layerSizes", "dense layers on top of each tower's embedding"
                + " (ReLU between, the last linear; its size is the output dimension); empty for none");
        normalize = new BooleanParam(this, "normalize", "L2-normalise both towers' outputs (scores are cosines)");
        maxIter = new IntParam(this, "maxIter", "training epochs (>= 1)", ParamValidators.gtEq(1));
        batchSize = new IntParam(this, "batchSize", "examples per training step (>= 1)", ParamValidators.gtEq(1));
        learningRate = new DoubleParam(this, "learningRate", "Adagrad learning rate (> 0)", ParamValidators.gt(0));
        seed = new LongParam(this, "seed", "seed of the initial weights and the shuffle");
        temperature = new DoubleParam(this, "temperature", "Retrieval temperature: logits are divided by it (> 0)",
                ParamValidators.gt(0));
        l2 = new DoubleParam(this, "l2", "per-example L2 penalty on the tower outputs (>= 0)", ParamValidators.gtEq(0));
        l2PerTable = new DoubleParam(this, "l2PerTable", "Keras-style L2 on whole weight tables (>= 0)",
                ParamValidators.gtEq(0));
        logQCorrection = new BooleanParam(this, "logQCorrection", "TFRS's logQ correction, each item's sampling"
                + " probability estimated from its share of the interactions");
        removeAccidentalHits = new BooleanParam(this, "removeAccidentalHits", "TFRS remove_accidental_hits");
        numHardNegatives = new IntParam(this, "numHardNegatives", "TFRS num_hard_negatives, 0 for all (>= 0)",
                ParamValidators.gtEq(0));
        extraNegatives = new IntParam(this, "extraNegatives", "negatives beyond the batch's own: 0 none, -1 every"
                + " item, k > 0 drawn uniformly per step", ParamValidators.gtEq(-1));
        backend = new Param<>(this, "backend", "recsys4j training backend (nd4j, tensorflow, ...); empty for the"
                + " first one on the class path that trains");
        backendOptions = new Param<>(this, "backendOptions", "backend settings, KEY=VALUE separated by commas");
        index = new Param<>(this, "index", "what the executors search: 'brute-force' (exact) or 'scann'",
                ParamValidators.inArray(new String[] {BRUTE_FORCE, SCANN}));
        numLeaves = new IntParam(this, "numLeaves", "ScaNN leaves (>= 1)", ParamValidators.gtEq(1));
        numLeavesToSearch = new IntParam(this, "numLeavesToSearch", "ScaNN leaves searched per query (>= 1)",
                ParamValidators.gtEq(1));
        numReorderingCandidates = new IntParam(this, "numReorderingCandidates",
                "ScaNN candidates rescored exactly (>= 0)", ParamValidators.gtEq(0));
        ScannParameters scann = ScannParameters.defaults();
        setDefault(queryContext, NO_CONTEXT);
        setDefault(rank, 32);
        setDefault(layerSizes, new int[0]);
        setDefault(normalize, false);
        setDefault(maxIter, 3);
        setDefault(batchSize, 8192);
        setDefault(learningRate, 0.1);
        setDefault(seed, 42L);
        setDefault(temperature, 1.0);
        setDefault(l2, 0.0);
        setDefault(l2PerTable, 0.0);
        setDefault(logQCorrection, false);
        setDefault(removeAccidentalHits, false);
        setDefault(numHardNegatives, 0);
        setDefault(extraNegatives, 0);
        setDefault(backend, "");
        setDefault(backendOptions, "");
        setDefault(index, BRUTE_FORCE);
        setDefault(numLeaves, scann.numLeaves());
        setDefault(numLeavesToSearch, scann.numLeavesToSearch());
        setDefault(numReorderingCandidates, scann.numReorderingCandidates());
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public ScoringParams.Holder scoringParams() {
        return scoring;
    }

    // Param accessors, found by Spark's Params.params through reflection.
    public Param<String> weightCol() {
        return weightCol;
    }

    public Param<String> timestampCol() {
        return timestampCol;
    }

    public Param<String> queryContext() {
        return queryContext;
    }

    public IntParam rank() {
        return rank;
    }

    public IntArrayParam layerSizes() {
        return layerSizes;
    }

    public BooleanParam normalize() {
        return normalize;
    }

    public IntParam maxIter() {
        return maxIter;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public DoubleParam learningRate() {
        return learningRate;
    }

    public LongParam seed() {
        return seed;
    }

    public DoubleParam temperature() {
        return temperature;
    }

    public DoubleParam l2() {
        return l2;
    }

    public DoubleParam l2PerTable() {
        return l2PerTable;
    }

    public BooleanParam logQCorrection() {
        return logQCorrection;
    }

    public BooleanParam removeAccidentalHits() {
        return removeAccidentalHits;
    }

    public IntParam numHardNegatives() {
        return numHardNegatives;
    }

    public IntParam extraNegatives() {
        return extraNegatives;
    }

    public Param<String> backend() {
        return backend;
    }

    public Param<String> backendOptions() {
        return backendOptions;
    }

    public Param<String> index() {
        return index;
    }

    public IntParam numLeaves() {
        return numLeaves;
    }

    public IntParam numLeavesToSearch() {
        return numLeavesToSearch;
    }

    public IntParam numReorderingCandidates() {
        return numReorderingCandidates;
    }

    // Setters, chained as in Spark ML.
    public TwoTowerRetrieval setUserCol(String v) {
        return with(scoring.userCol, v);
    }

    public TwoTowerRetrieval setItemCol(String v) {
        return with(scoring.itemCol, v);
    }

    public TwoTowerRetrieval setRecommendationsCol(String v) {
        return with(scoring.recommendationsCol, v);
    }

    public TwoTowerRetrieval setNumRecommendations(int v) {
        return with(scoring.numRecommendations, v);
    }

    public TwoTowerRetrieval setBlockSize(int v) {
        return with(scoring.blockSize, v);
    }

    public TwoTowerRetrieval setExclusionsCol(String v) {
        return with(scoring.exclusionsCol, v);
    }

    public TwoTowerRetrieval setColdStartStrategy(String v) {
        return with(scoring.coldStartStrategy, v);
    }

    public TwoTowerRetrieval setWeightCol(String v) {
        return with(weightCol, v);
    }

    public TwoTowerRetrieval setTimestampCol(String v) {
        return with(timestampCol, v);
    }

    public TwoTowerRetrieval setQueryContext(String v) {
        return with(queryContext, v);
    }

    public TwoTowerRetrieval setRank(int v) {
        return with(rank, v);
    }

    public TwoTowerRetrieval setLayerSizes(int... v) {
        return with(layerSizes, v);
    }

    public TwoTowerRetrieval setNormalize(boolean v) {
        return with(normalize, v);
    }

    public TwoTowerRetrieval setMaxIter(int v) {
        return with(maxIter, v);
    }

    public TwoTowerRetrieval setBatchSize(int v) {
        return with(batchSize, v);
    }

    public TwoTowerRetrieval setLearningRate(double v) {
        return with(learningRate, v);
    }

    public TwoTowerRetrieval setSeed(long v) {
        return with(seed, v);
    }

    public TwoTowerRetrieval setTemperature(double v) {
        return with(temperature, v);
    }

    public TwoTowerRetrieval setL2(double v) {
        return with(l2, v);
    }

    public TwoTowerRetrieval setL2PerTable(double v) {
        return with(l2PerTable, v);
    }

    public TwoTowerRetrieval setLogQCorrection(boolean v) {
        return with(logQCorrection, v);
    }

    public TwoTowerRetrieval setRemoveAccidentalHits(boolean v) {
        return with(removeAccidentalHits, v);
    }

    public TwoTowerRetrieval setNumHardNegatives(int v) {
        return with(numHardNegatives, v);
    }

    public TwoTowerRetrieval setExtraNegatives(int v) {
        return with(extraNegatives, v);
    }

    public TwoTowerRetrieval setBackend(String v) {
        return with(backend, v);
    }

    public TwoTowerRetrieval setBackendOptions(String v) {
        return with(backendOptions, v);
    }

    public TwoTowerRetrieval setIndex(String v) {
        return with(index, v);
    }

    public TwoTowerRetrieval setNumLeaves(int v) {
        return with(numLeaves, v);
    }

    public TwoTowerRetrieval setNumLeavesToSearch(int v) {
        return with(numLeavesToSearch, v);
    }

    public TwoTowerRetrieval setNumReorderingCandidates(int v) {
        return with(numReorderingCandidates, v);
    }

    private <T> TwoTowerRetrieval with(Param<T> p, T v) {
        set(p, v);
        return this;
    }

    @SuppressWarnings("unchecked")
    private <T> T value(Param<?> p) {
        return (T) getOrDefault(p);
    }

    public String getWeightCol() {
        return isDefined(weightCol) ? getOrDefault(weightCol) : null;
    }

    public String getTimestampCol() {
        return isDefined(timestampCol) ? getOrDefault(timestampCol) : null;
    }

    public String getQueryContext() {
        return getOrDefault(queryContext);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        boolean previous = getQueryContext().equals(PREVIOUS_ITEM);
        if (previous && getTimestampCol() == null) {
            throw new IllegalArgumentException("queryContext 'previousItem' needs timestampCol: set it to the column"
                    + " of interaction times that orders each user's history");
        }
        if (!previous && getTimestampCol() != null) {
            throw new IllegalArgumentException("timestampCol (" + getTimestampCol() + ") is set but queryContext is"
                    + " 'none', so the times would not be read; set queryContext to 'previousItem' or clear"
                    + " timestampCol");
        }
        ClusterEncoding.checkSchema(schema, input());
        return schema;
    }

    @Override
    public TwoTowerRetrievalModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        DriverTraining.Config config = config(dataset.schema());
        EncodedInteractions data = ClusterEncoding.encode(dataset, input());
        DriverTraining.Trained trained = DriverTraining.train(data, config, "Spark DataFrame "
                + String.join(",", dataset.schema().fieldNames()));
        ModelBundle bundle = trained.bundle();
        ScannIndex scann = null;
        if (this.<String>value(index).equals(SCANN)) {
            var items = bundle.vocabulary(bundle.spec().candidate()).vocabulary();
            ScannParameters p = ScannParameters.defaults().withNumLeaves(value(numLeaves))
                    .withNumLeavesToSearch(value(numLeavesToSearch))
                    .withNumReorderingCandidates(value(numReorderingCandidates)).withSeed(value(seed));
            scann = new ScannIndex(p).index(items, bundle.javaCandidateTower().embed(items.toArray(String[]::new)));
        }
        TwoTowerRetrievalModel model = new TwoTowerRetrievalModel(uid, bundle, scann, trained.latestItems(),
                IdType.of(dataset.schema().apply(getUserCol()).dataType()),
                IdType.of(dataset.schema().apply(getItemCol()).dataType()));
        copyValues(model, ParamMap.empty());
        return model.setParent(this);
    }

    private ClusterEncoding.Input input() {
        return new ClusterEncoding.Input(getUserCol(), getItemCol(), getWeightCol(), getTimestampCol());
    }

    /** The params as a training config; a bad backend name or option fails here, before any job. */
    private DriverTraining.Config config(StructType schema) {
        String name = value(backend);
        Backend chosen;
        if (name.isEmpty()) {
            chosen = Backends.available().stream().filter(Backend::canTrain).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("No recsys4j backend that trains is on the class"
                            + " path (backend is not set); add recsys4j-backend-nd4j or recsys4j-backend-tensorflow."));
        } else {
            try {
                chosen = Backends.get(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("backend: " + e.getMessage(), e);
            }
            if (!chosen.canTrain()) {
                throw new IllegalArgumentException("backend: '" + name + "' runs models but cannot train them");
            }
        }
        RetrievalTaskSpec task = new RetrievalTaskSpec(value(temperature), value(l2), value(l2PerTable),
                value(removeAccidentalHits), value(numHardNegatives), value(extraNegatives));
        List<Integer> layers = new ArrayList<>();
        for (int u : this.<int[]>value(layerSizes)) {
            if (u < 1) {
                throw new IllegalArgumentException("layerSizes: every layer needs at least one unit, got " + u);
            }
            layers.add(u);
        }
        return new DriverTraining.Config(getUserCol(), getItemCol(), value(rank), layers, value(normalize), task,
                value(logQCorrection), value(learningRate), value(batchSize), value(maxIter), value(seed), chosen,
                BackendOptions.parseList(value(backendOptions), "backendOptions"),
                getQueryContext().equals(PREVIOUS_ITEM));
    }

    @Override
    public TwoTowerRetrieval copy(ParamMap extra) {
        return (TwoTowerRetrieval) defaultCopy(extra);
    }

    public static MLReader<TwoTowerRetrieval> read() {
        return new DefaultParamsReader<>();
    }

    public static TwoTowerRetrieval load(String path) {
        return read().load(path);
    }
}
