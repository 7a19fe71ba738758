package org.recsys4j.examples.cli;

import org.recsys4j.index.ScannParameters;
import picocli.CommandLine.Option;

/** The ScaNN index's build parameters (TFRS's names); unset ones keep the command's defaults. */
public final class ScannOptions {
    @Option(names = "--num-leaves", description = "Partitions (k-means leaves) of the candidates.")
    Integer numLeaves;

    @Option(names = "--training-sample-size", description = "Candidates sampled to learn the leaves and codebooks.")
    Integer trainingSampleSize;

    @Option(names = "--training-iterations", description = "k-means iterations for the leaves and codebooks.")
    Integer trainingIterations;

    @Option(names = "--dimensions-per-block",
            description = "Dimensions per product-quantisation block (a four-bit code).")
    Integer dimensionsPerBlock;

    @Option(names = "--index-seed", description = "Seed of the index's sampling and k-means.")
    Long seed;

    ScannParameters apply(ScannParameters d) {
        return new ScannParameters(numLeaves != null ? numLeaves : d.numLeaves(), d.numLeavesToSearch(),
                trainingIterations != null ? trainingIterations : d.trainingIterations(),
                trainingSampleSize != null ? trainingSampleSize : d.trainingSampleSize(),
                dimensionsPerBlock != null ? dimensionsPerBlock : d.dimensionsPerBlock(), d.numReorderingCandidates(),
                seed != null ? seed : d.seed());
    }

    /** The parameters as report JSON, in TFRS's snake_case names. */
    static java.util.Map<String, Object> describe(ScannParameters p) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("num_leaves", p.numLeaves());
        m.put("num_leaves_to_search", p.numLeavesToSearch());
        m.put("num_reordering_candidates", p.numReorderingCandidates());
        m.put("dimensions_per_block", p.dimensionsPerBlock());
        m.put("training_iterations", p.trainingIterations());
        m.put("training_sample_size", p.trainingSampleSize());
        m.put("seed", p.seed());
        return m;
    }
}
