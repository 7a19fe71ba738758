package org.recsys4j.index;

/**
 * The knobs of {@link ScannIndex}, named and defaulted as TFRS's {@code tfrs.layers.factorized_top_k.ScaNN}.
 *
 * <p>Build time: {@code numLeaves}, {@code trainingIterations}, {@code trainingSampleSize},
 * {@code dimensionsPerBlock} and {@code seed}. Search time (change them with
 * {@link ScannIndex#withSearch} without rebuilding): {@code numLeavesToSearch} and
 * {@code numReorderingCandidates}.
 *
 * @param numLeaves partitions (k-means leaves) of the candidates; about the square root of their number is usual
 * @param numLeavesToSearch leaves scored per query, those whose centres score highest
 * @param trainingIterations k-means iterations for the leaves and for the codebooks
 * @param trainingSampleSize candidates sampled to train the leaves and codebooks (all if fewer)
 * @param dimensionsPerBlock dimensions per product-quantisation block; each block is a four-bit code per candidate
 * @param numReorderingCandidates approximate best candidates rescored with exact dot products; 0 returns
 *     the approximate scores as they are (TFRS's {@code None})
 * @param seed the seed of the sampling and k-means initialisation
 */
public record ScannParameters(int numLeaves, int numLeavesToSearch, int trainingIterations, int trainingSampleSize,
        int dimensionsPerBlock, int numReorderingCandidates, long seed) {

    public ScannParameters {
        positive("numLeaves", numLeaves);
        positive("numLeavesToSearch", numLeavesToSearch);
        positive("trainingIterations", trainingIterations);
        positive("trainingSampleSize", trainingSampleSize);
        positive("dimensionsPerBlock", dimensionsPerBlock);
        if (numReorderingCandidates < 0) {
            throw new IllegalArgumentException("numReorderingCandidates must be 0 (no reordering) or more, got "
                    + numReorderingCandidates);
        }
    }

    /** TFRS's defaults: 100 leaves, 10 searched, 12 iterations, 2 dimensions a block, no reordering. */
    public static ScannParameters defaults() {
        return new ScannParameters(100, 10, 12, 100_000, 2, 0, 42);
    }

    /** The same parameters with {@code numLeaves} = {@code n}. */
    public ScannParameters withNumLeaves(int n) {
        return new ScannParameters(n, numLeavesToSearch, trainingIterations, trainingSampleSize, dimensionsPerBlock,
                numReorderingCandidates, seed);
    }

    /** The same parameters with {@code numLeavesToSearch} = {@code n}. */
    public ScannParameters withNumLeavesToSearch(int n) {
        return new ScannParameters(numLeaves, n, trainingIterations, trainingSampleSize, dimensionsPerBlock,
                numReorderingCandidates, seed);
    }

    /** The same parameters with {@code trainingIterations} = {@code n}. */
    public ScannParameters withTrainingIterations(int n) {
        return new ScannParameters(numLeaves, numLeavesToSearch, n, trainingSampleSize, dimensionsPerBlock,
                numReorderingCandidates, seed);
    }

    /** The same parameters with {@code trainingSampleSize} = {@code n}. */
    public ScannParameters withTrainingSampleSize(int n) {
        return new ScannParameters(numLeaves, numLeavesToSearch, trainingIterations, n, dimensionsPerBlock,
                numReorderingCandidates, seed);
    }

    /** The same parameters with {@code dimensionsPerBlock} = {@code n}. */
    public ScannParameters withDimensionsPerBlock(int n) {
        return new ScannParameters(numLeaves, numLeavesToSearch, trainingIterations, trainingSampleSize, n,
                numReorderingCandidates, seed);
    }

    /** The same parameters with {@code numReorderingCandidates} = {@code n}. */
    public ScannParameters withNumReorderingCandidates(int n) {
        return new ScannParameters(numLeaves, numLeavesToSearch, trainingIterations, trainingSampleSize,
                dimensionsPerBlock, n, seed);
    }

    /** The same parameters with {@code seed} = {@code s}. */
    public ScannParameters withSeed(long s) {
        return new ScannParameters(numLeaves, numLeavesToSearch, trainingIterations, trainingSampleSize,
                dimensionsPerBlock, numReorderingCandidates, s);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
