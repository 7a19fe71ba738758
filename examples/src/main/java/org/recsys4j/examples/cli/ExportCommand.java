package org.recsys4j.examples.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.data.MovieLensDatasets;
import org.recsys4j.model.Embeddings;
import org.recsys4j.onnx.OnnxExport;
import org.recsys4j.onnx.OnnxFiles;
import org.recsys4j.tensorflow.SavedModelExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a trained bundle for serving. savedmodel: raw query ids in, top-k identifiers and"
                + " scores out, in TensorFlow Serving's <dir>/<version>/ layout. onnx: the same as retrieval.onnx,"
                + " plus query_tower.onnx and candidate_tower.onnx (raw ids in, embeddings out), for any ONNX"
                + " Runtime (IR 8, opset 17). A ranking model's task is exported as ranking.onnx (onnx) or under"
                + " <out>/<task>/<version>/ (savedmodel): raw ids in, the prediction out.")
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--bundle", required = true, description = "The model bundle directory.")
    Path bundle;

    @Option(names = "--format", required = true, description = "Export format: savedmodel or onnx.")
    String format;

    @Option(names = "--out", required = true, description = "Export directory (savedmodel: a new version is added;"
            + " onnx: the three .onnx files are written there, replacing older ones).")
    Path out;

    @Option(names = "--k", defaultValue = "10", description = "Results per query (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--data-dir", description = "A MovieLens directory whose movies the model knows are indexed"
            + " instead of the bundle's catalog (data.json); needed only for a bundle older than data.json"
            + " (default as for training).")
    Path dataDir;

    @Option(names = "--report", description = "Also write the result as JSON to this file.")
    Path report;

    private final MovieLensDatasets datasets;
    private final Output output;

    @Inject
    ExportCommand(MovieLensDatasets datasets, Output output) {
        this.datasets = datasets;
        this.output = output;
    }

    @Override
    public Integer call() throws Exception {
        if (!format.equals("savedmodel") && !format.equals("onnx")) {
            throw new IllegalArgumentException("--format " + format + " is not supported; use savedmodel or onnx");
        }
        ModelBundle model = BundleIO.load(bundle);
        Map<String, Object> exports = new LinkedHashMap<>();
        for (var task : model.model().rankingTasks()) {
            if (format.equals("onnx")) {
                Path file = org.recsys4j.onnx.OnnxRankingExport.write(model, task.name(), out);
                output.line("ONNX ranking model (" + task.name() + ") written to " + file);
                exports.put("onnx_" + task.name(), file.toAbsolutePath().toString());
            } else {
                Path dir = out.resolve(task.name());
                Path version = org.recsys4j.tensorflow.SavedModelRankingExport.export(model, task.name(), dir,
                        org.recsys4j.examples.tutorial.RetrievalTutorial.nextVersion(dir));
                output.line("SavedModel of ranking task " + task.name() + " written to " + version.toAbsolutePath());
                exports.put("savedmodel_" + task.name(), version.toAbsolutePath().toString());
            }
        }
        if (model.spec() == null) {
            writeReport(exports);
            return 0;
        }
        List<String> candidates = List.of(Catalogs.of(bundle, model, datasets, dataDir, output).ids());
        Embeddings embeddings = model.javaCandidateTower().embed(candidates.toArray(String[]::new));
        if (format.equals("onnx")) {
            OnnxFiles files = OnnxExport.write(model, candidates, embeddings, k, out);
            files.describe().forEach((kind, path) -> output.line("ONNX " + kind + " model written to " + path));
            exports.put("onnx", files.describe());
        } else {
            Path version = SavedModelExport.export(model, candidates, embeddings, k, out,
                    org.recsys4j.examples.tutorial.RetrievalTutorial.nextVersion(out));
            output.line("SavedModel written to " + version.toAbsolutePath());
            exports.put("savedmodel", version.toAbsolutePath().toString());
        }
        writeReport(exports);
        return 0;
    }

    private void writeReport(Map<String, Object> exports) throws java.io.IOException {
        if (report != null) {
            new Report().put("command", "export").put("bundle", bundle.toAbsolutePath().toString())
                    .put("exports", exports).write(report);
        }
    }
}
