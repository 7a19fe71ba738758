/**
 * The ND4J backend: trains and runs model specs over ND4J and BLAS (CPU with OpenBLAS; CUDA by
 * profile), with the in-batch softmax collapsed over duplicate ids. Found by the name {@code nd4j}.
 */
package org.recsys4j.nd4j;
