package org.recsys4j.nd4j;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.recsys4j.spec.Adam;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Backends;
import org.recsys4j.testing.RankingCase;

/**
 * The ranking cases (run on every backend by the conformance suite) once more on the paths a CUDA
 * backend takes: ND4J's own ops and copies, on the CPU.
 */
class Nd4jRankingTest {
    static java.util.List<RankingCase> cases() {
        return RankingCase.all(11);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void theNoHostMemoryPathsMatchTheReferences(RankingCase c) {
        boolean before = NativeFloats.useHostMemory(false);
        try {
            c.check(Backends.get("nd4j"), new Adam(0.01), BackendOptions.none());
        } finally {
            NativeFloats.useHostMemory(before);
        }
    }
}
