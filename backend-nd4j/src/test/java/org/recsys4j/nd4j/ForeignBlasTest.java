package org.recsys4j.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The maps reader on this JVM's own {@code /proc/self/maps} once ND4J has called OpenBLAS (which
 * it must not name), and on the same text with lines of other libraries as the kernel writes them.
 * A real MLlib load is the spark module's {@code ForeignBlasTest}.
 */
class ForeignBlasTest {
    @Test
    void ignoresNd4jsOwnOpenBlasAndNamesEachOtherBlasOnce() throws Exception {
        INDArray a = Nd4j.rand(DataType.FLOAT, 4, 3);
        Gemm.product(a, a, false, true).close(); // OpenBLAS mapped and called
        a.close();
        Path maps = Path.of("/proc/self/maps");
        assertTrue(Files.isReadable(maps), "this test reads Linux's /proc/self/maps");
        List<String> lines = new ArrayList<>(Files.readAllLines(maps));
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("/libopenblas_nolapack.so.0")),
                "ND4J's OpenBLAS is mapped: " + String.join("\n", lines));
        assertEquals(List.of(), ForeignBlas.in(lines), "ND4J's own OpenBLAS and its JNI stub are not foreign");

        String reference = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0";
        String system = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0";
        lines.add("7f3a1c000000-7f3a1c004000 r--p 00000000 08:01 1311112                    " + reference);
        lines.add("7f3a1c004000-7f3a1c03c000 r-xp 00004000 08:01 1311112                    " + reference);
        // MLlib's JNI stub, copied to a temporary file, calls a BLAS but is none itself
        lines.add("7f3a1d000000-7f3a1d010000 r-xp 00000000 08:01 2222222                    "
                + "/tmp/libnetlibblasjni.so4711812273957337574.so");
        lines.add("7f3a1e000000-7f3a1e900000 r-xp 00000000 08:01 3333333                    " + system
                + " (deleted)");
        lines.add("7f3a1f000000-7f3a1f001000 rw-p 00000000 00:00 0 ");
        assertEquals(List.of(reference, system), ForeignBlas.in(lines));
    }

    @Test
    void theWarningNamesTheLibraryAndTheRemedy() {
        String m = ForeignBlas.message("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0");
        assertTrue(m.contains("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"), m);
        assertTrue(m.contains("-Ddev.ludovic.netlib.blas.nativeLib=none -Ddev.ludovic.netlib.lapack.nativeLib=none"),
                m);
        assertTrue(m.contains("backend=tensorflow"), m);
    }
}
