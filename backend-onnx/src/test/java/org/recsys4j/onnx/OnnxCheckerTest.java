package org.recsys4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.testing.FeatureCase;

/**
 * Every exported model passes the official ONNX checker with {@code full_check=True} (which also
 * runs strict shape inference), as Debian's python3-onnx runs it:
 * {@code /usr/bin/python3 -c "import onnx; onnx.checker.check_model(onnx.load(P), full_check=True)"}.
 * The system Python is named on purpose: the python3 first on PATH may be another one without the
 * package. Without python3-onnx the test is skipped and says how to install it ({@code .ci/run}
 * does).
 */
class OnnxCheckerTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String CHECK = "import sys, onnx; onnx.checker.check_model(onnx.load(sys.argv[1]),"
            + " full_check=True); print('onnx', onnx.__version__, 'checker: ok')";

    @TempDir
    static Path tmp;
    private static OnnxFiles tutorialModels;
    private static OnnxFiles denseModels;
    private static OnnxFiles featureModels;
    private static OnnxFiles biasModels;

    @BeforeAll
    static void export() throws IOException {
        tutorialModels = write(MovieLensBundles.syntheticEmbeddingOnly(), "tutorial");
        denseModels = write(MovieLensBundles.syntheticWithDenseLayers(), "dense");
        // a context input with a default (an initializer of the same name) and folded derived features
        ModelBundle features = FeatureCase.random(7, RetrievalTaskSpec.defaults()).bundle();
        List<String> items = features.vocabulary(features.spec().candidate()).vocabulary();
        featureModels = OnnxExport.write(features, items,
                features.javaCandidateTower().embed(items.toArray(String[]::new)), 10, tmp.resolve("features"));
        // a per-candidate score bias: a Gather and a Concat after the dense layers
        ModelBundle bias = OnnxScoreBiasTest.bundle();
        List<String> biasItems = bias.vocabulary(bias.spec().candidate()).vocabulary();
        biasModels = OnnxExport.write(bias, biasItems,
                bias.javaCandidateTower().embed(biasItems.toArray(String[]::new)), 10, tmp.resolve("bias"));
    }

    @ParameterizedTest
    @EnumSource(value = OnnxModelKind.class, mode = EnumSource.Mode.EXCLUDE, names = "RANKING")
    void modelsWithAScoreBiasPassTheChecker(OnnxModelKind kind) throws Exception {
        check(biasModels.get(kind));
    }

    private static OnnxFiles write(ModelBundle bundle, String dir) throws IOException {
        List<String> movies = MovieLensBundles.syntheticMovies();
        return OnnxExport.write(bundle, movies, bundle.javaCandidateTower().embed(movies.toArray(String[]::new)), 10,
                tmp.resolve(dir));
    }

    @ParameterizedTest
    @EnumSource(value = OnnxModelKind.class, mode = EnumSource.Mode.EXCLUDE, names = "RANKING")
    void embeddingTowerModelsPassTheChecker(OnnxModelKind kind) throws Exception {
        check(tutorialModels.get(kind));
    }

    @ParameterizedTest
    @EnumSource(value = OnnxModelKind.class, mode = EnumSource.Mode.EXCLUDE, names = "RANKING")
    void denseTowerModelsPassTheChecker(OnnxModelKind kind) throws Exception {
        check(denseModels.get(kind));
    }

    @ParameterizedTest
    @EnumSource(value = OnnxModelKind.class, mode = EnumSource.Mode.EXCLUDE, names = "RANKING")
    void modelsWithContextAndDerivedFeaturesPassTheChecker(OnnxModelKind kind) throws Exception {
        check(featureModels.get(kind));
    }

    static void check(Path model) throws Exception {
        assumeTrue(Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import onnx")).code() == 0,
                "skipped: " + PYTHON + " cannot import onnx; install Debian's checker with"
                        + " 'apt-get install -y python3-onnx' (.ci/run does)");
        Result r = run(List.of(PYTHON.toString(), "-c", CHECK, model.toString()));
        assertEquals(0, r.code(), "the ONNX checker rejects " + model + ":\n" + r.output());
        System.out.println(model.getFileName() + ": " + r.output().strip());
    }

    private record Result(int code, String output) {
    }

    private static Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
