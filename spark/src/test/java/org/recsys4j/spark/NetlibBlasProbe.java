package org.recsys4j.spark;

import org.recsys4j.bundle.BundleSamples;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Backends;

/**
 * Run by {@link ForeignBlasTest} in a JVM of its own (the BLAS it loads stays loaded, and would
 * answer the ND4J calls of every later test in a shared one): starts the ND4J backend, has
 * Spark MLlib load its native BLAS as its linear algebra does on first use, and starts the ND4J
 * backend again. Its standard error tells what each step found.
 */
public final class NetlibBlasProbe {
    private NetlibBlasProbe() {
    }

    public static void main(String[] args) {
        Backend nd4j = Backends.get("nd4j");
        ModelBundle bundle = BundleSamples.sample(1);
        nd4j.inference(bundle, BackendOptions.none()).close();
        System.err.println("probe: MLlib's native BLAS: "
                + org.apache.spark.ml.linalg.BLAS$.MODULE$.nativeBLAS().getClass().getName());
        nd4j.inference(bundle, BackendOptions.none()).close();
        System.err.println("probe: done");
    }
}
