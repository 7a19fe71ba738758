package org.recsys4j.index;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;
import org.recsys4j.metrics.Scores;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Tower;

/**
 * Approximate top-k by maximum inner product, the way TFRS's {@code ScaNN} layer does it
 * (partition, quantise, reorder), in plain Java:
 *
 * <ol>
 *   <li><b>Partition.</b> k-means splits the candidates into {@code numLeaves} leaves. A query
 *       scores every leaf centre and searches the {@code numLeavesToSearch} best leaves only.
 *   <li><b>Quantise.</b> Within those leaves a candidate is scored as {@code q.centre + q.residual'},
 *       where {@code residual'} is its product-quantised residual (a four-bit code per
 *       {@code dimensionsPerBlock} dimensions): one table lookup per code instead of a dot product,
 *       32 candidates at a time with SIMD byte shuffles (see {@link Lut16Codes}).
 *   <li><b>Reorder.</b> The {@code numReorderingCandidates} best approximate scores are rescored
 *       with exact dot products, and the best k of those are returned, ranked exactly as
 *       {@link BruteForceIndex} ranks them.
 * </ol>
 *
 * <p>Built once, it is immutable: searches from any number of threads need no locking, and
 * {@link #withSearch} gives a view with other search settings over the same structure.
 * {@link ScannIndexIO} saves it into a model bundle and loads it back without rebuilding.
 *
 * <pre>{@code
 * ScannIndex index = new ScannIndex(model.queryTower(), ScannParameters.defaults()
 *         .withNumLeaves(1000).withNumLeavesToSearch(30).withNumReorderingCandidates(100));
 * index.index(ids, candidateEmbeddings);
 * TopK top10 = index.query("42", 10);
 * }</pre>
 */
public final class ScannIndex implements Index {
    private final Tower queryTower;
    private final ScannParameters parameters;
    private volatile ScannStructure structure;

    /** An index that answers raw queries through {@code queryTower} (may be null for embeddings only). */
    public ScannIndex(Tower queryTower, ScannParameters parameters) {
        this.queryTower = queryTower;
        this.parameters = Objects.requireNonNull(parameters, "parameters");
    }

    /** An index for query embeddings only; raw queries need a query tower. */
    public ScannIndex(ScannParameters parameters) {
        this(null, parameters);
    }

    ScannIndex(Tower queryTower, ScannParameters parameters, ScannStructure structure) {
        this(queryTower, parameters);
        checkTower(queryTower, structure.dim());
        this.structure = structure;
    }

    /** Learns leaves and codebooks from these candidates and replaces whatever was indexed. */
    public ScannIndex index(List<String> ids, Embeddings embeddings) {
        if (ids.size() != embeddings.rows()) {
            throw new IllegalArgumentException(ids.size() + " identifiers for " + embeddings.rows() + " embeddings");
        }
        checkTower(queryTower, embeddings.dim());
        this.structure = ScannStructure.build(ids.toArray(String[]::new), embeddings, parameters);
        return this;
    }

    /** The same built index searched with other settings; nothing is rebuilt or copied. */
    public ScannIndex withSearch(int numLeavesToSearch, int numReorderingCandidates) {
        ScannParameters p = parameters.withNumLeavesToSearch(numLeavesToSearch)
                .withNumReorderingCandidates(numReorderingCandidates);
        return new ScannIndex(queryTower, p, built());
    }

    /** The same built index answering raw queries through {@code tower}. */
    public ScannIndex withQueryTower(Tower tower) {
        return new ScannIndex(tower, parameters, built());
    }

    /** The parameters it was built with (and searches with). */
    public ScannParameters parameters() {
        return parameters;
    }

    @Override
    public int size() {
        ScannStructure s = structure;
        return s == null ? 0 : s.size();
    }

    /** The number of leaves actually built: {@code numLeaves}, or fewer when there are fewer candidates. */
    public int leaves() {
        return built().leaves();
    }

    /** The indexed candidates' identifiers, in the order indexed. */
    public List<String> identifiers() {
        return List.of(built().identifiers());
    }

    /** The indexed candidates' embeddings, in the order indexed. */
    public Embeddings candidates() {
        return built().candidates();
    }

    ScannStructure structure() {
        return built();
    }

    @Override
    public TopK search(float[] query, int k, Set<String> exclusions) {
        ScannStructure s = built();
        checkQuery(s, query.length, k);
        return top(s, query, 0, k, exclusions);
    }

    @Override
    public List<TopK> search(Embeddings queries, int k) {
        ScannStructure s = built();
        checkQuery(s, queries.dim(), k);
        TopK[] out = new TopK[queries.rows()];
        IntStream.range(0, queries.rows()).parallel()
                .forEach(i -> out[i] = top(s, queries.data(), i * queries.dim(), k, Set.of()));
        return Arrays.asList(out);
    }

    @Override
    public TopK query(String rawQuery, int k, Set<String> exclusions) {
        if (queryTower == null) {
            throw new IllegalStateException("this index has no query tower; search with an embedding instead");
        }
        return search(queryTower.embed(rawQuery).data(), k, exclusions);
    }

    private ScannStructure built() {
        ScannStructure s = structure;
        if (s == null) {
            throw new IllegalStateException("nothing indexed yet; call index(ids, embeddings) first");
        }
        return s;
    }

    private static void checkQuery(ScannStructure s, int dim, int k) {
        if (dim != s.dim()) {
            throw new IllegalArgumentException("query has dimension " + dim + ", candidates " + s.dim());
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
    }

    private static void checkTower(Tower tower, int dim) {
        if (tower != null && tower.dimension() != dim) {
            throw new IllegalArgumentException("candidates have dimension " + dim + " but the query tower gives "
                    + tower.dimension());
        }
    }

    private TopK top(ScannStructure s, float[] q, int qOff, int k, Set<String> exclusions) {
        int n = s.size();
        if (n == 0) {
            return new TopK(List.of(), new float[0]);
        }
        int reorder = parameters.numReorderingCandidates();
        ScannSearch search = ScannSearch.begin(s, Math.min(parameters.numLeavesToSearch(), s.leaves()),
                Math.min(n, reorder > 0 ? Math.max(reorder, k) : k), exclusions);
        try {
            return top(s, search, q, qOff, k, reorder > 0);
        } finally {
            search.end();
        }
    }

    private static TopK top(ScannStructure s, ScannSearch search, float[] q, int qOff, int k, boolean reorder) {
        int d = s.dim();
        int leaves = s.leaves();

        // 1. the leaves whose centres score highest
        float[] leafScores = search.leafScores;
        s.leafScores(q, qOff, leafScores);
        ScoredHeap bestLeaves = search.bestLeaves();
        for (int l = 0; l < leaves; l++) {
            bestLeaves.offer(leafScores[l], l);
        }

        // 2. approximate scores of their candidates: centre score plus one table lookup per code
        s.quantizer().tables(q, qOff, search.tables);
        LeafCodes codes = s.leafCodes();
        codes.prepare(search);
        // best leaves first, so the heap's bar rises early and fewer candidates get past it
        for (int leaf : bestLeaves.drainPositions(new float[bestLeaves.size()])) {
            codes.scoreLeaf(leaf, leafScores[leaf], search);
        }

        // 3. exact scores for the best approximate ones
        ScoredHeap approximate = search.approximate();
        ScoredHeap result = approximate;
        if (reorder) {
            float[] c = s.candidates().data();
            result = search.exact(Math.min(k, approximate.size()));
            for (int i = 0; i < approximate.size(); i++) {
                int position = approximate.position(i);
                result.offer(Scores.dot(q, qOff, c, position * d, d), position);
            }
        }
        float[] topScores = new float[result.size()];
        int[] ranked = result.drainPositions(topScores);
        String[] ids = s.identifiers();
        String[] out = new String[ranked.length];
        for (int i = 0; i < ranked.length; i++) {
            out[i] = ids[ranked[i]];
        }
        return new TopK(Arrays.asList(out), topScores);
    }

    @Override
    public String toString() {
        ScannStructure s = structure;
        return "ScannIndex[" + (s == null ? "empty" : s.size() + " candidates, " + s.leaves() + " leaves") + ", "
                + parameters + (queryTower == null ? "" : ", query tower") + "]";
    }
}
