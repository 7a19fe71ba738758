package org.recsys4j.spec;

/**
 * TFRS's {@code tfrs.layers.dcn.Cross}: {@code y = x0 * (x W + b) + x}, elementwise, with
 * {@code x0} the head's input and {@code x} the previous cross layer's output (the input itself for
 * the first): a head's cross layers come before its dense layers, the stacked DCN the tutorial
 * builds. Full rank, W is {@code [d, d]}; low rank, {@code W = U V} with U {@code [d, r]} and V
 * {@code [r, d]}, as {@code projection_dim = r} builds it. Kernels Glorot-uniform (the tutorial's
 * {@code kernel_initializer}), bias zero; no {@code diag_scale}, no preactivation (TFRS defaults).
 *
 * @param projectionDim 0 for a full-rank kernel, else the rank r of {@code U V}
 */
public record CrossLayerSpec(int projectionDim) implements HeadLayerSpec {
    public CrossLayerSpec {
        if (projectionDim < 0) {
            throw new IllegalArgumentException("a cross layer's projection dimension must be 0 (full rank) or"
                    + " more, got " + projectionDim);
        }
    }

    /** A full-rank cross layer (DCN's {@code tfrs.layers.dcn.Cross} without {@code projection_dim}). */
    public static CrossLayerSpec full() {
        return new CrossLayerSpec(0);
    }

    /** A low-rank cross layer projecting through {@code projectionDim} (1 or more). */
    public static CrossLayerSpec lowRank(int projectionDim) {
        if (projectionDim < 1) {
            throw new IllegalArgumentException("a low-rank cross layer needs a projection dimension of 1 or more, got "
                    + projectionDim);
        }
        return new CrossLayerSpec(projectionDim);
    }

    /** Whether the layer is low-rank (has a projection). */
    public boolean lowRank() {
        return projectionDim > 0;
    }

    @Override
    public int outputDim(int inputDim) {
        return inputDim;
    }
}
