package org.recsys4j.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.recsys4j.bundle.BundleSamples;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.io.FileFormatTestCase;
import org.recsys4j.io.FormatHeader;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.onnx.proto.OnnxProto.ModelProto;
import org.recsys4j.onnx.proto.OnnxProto.StringStringEntryProto;
import org.recsys4j.spi.BackendOptions;

/** The checks every format passes, for the three exported ONNX models (a synthetic bundle). */
class OnnxFormatTest extends FileFormatTestCase {
    private static final List<String> MOVIES = List.of("Toy Story (1995)", "Misérables, Les (1995)");

    @Override
    protected void write(Path target, int variant) throws IOException {
        ModelBundle bundle = BundleSamples.sample(variant);
        OnnxExport.write(bundle, MOVIES, bundle.javaCandidateTower().embed(MOVIES.toArray(String[]::new)), 2,
                target);
    }

    @Override
    protected Object read(Path target) throws IOException {
        OnnxFiles files = OnnxFiles.in(target);
        List<Object> out = new ArrayList<>();
        try (OnnxRetrievalIndex index = OnnxRetrievalIndex.open(files.retrieval(), BackendOptions.none())) {
            out.add(index.query("42", 2));
        }
        try (OnnxInference inference = OnnxInference.open(files, BackendOptions.none())) {
            out.add(new FloatTensor(new int[] {1, 4}, inference.queryTower().embed("42").data()));
            out.add(new FloatTensor(new int[] {2, 4}, inference.candidateTower().embed(MOVIES.toArray(String[]::new))
                    .data()));
        }
        return out;
    }

    @Override
    protected List<Path> files(Path target) {
        OnnxFiles files = OnnxFiles.in(target);
        return List.of(files.retrieval(), files.queryTower(), files.candidateTower());
    }

    @Override
    protected List<Path> checksummed(Path target) {
        return files(target);
    }

    @Override
    protected FormatHeader header() {
        return OnnxMetadata.HEADER;
    }

    @Override
    protected Path headerFile(Path target) {
        return null; // in each file's metadata_props
    }

    /** Tower files of two exports of different models, mixed as a reader could find them mid-export. */
    @Test
    void towersOfTwoModelsAreNotPaired() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Path c = tmp.resolve("c");
        write(a, 0);
        write(b, 1);
        write(c, 0);
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxInference.open(
                OnnxFiles.in(a).queryTower(), OnnxFiles.in(b).candidateTower(), BackendOptions.none()));
        assertTrue(e.getMessage().contains("were exported from different models"), e.getMessage());
        // two exports of one model pair up
        OnnxInference.open(OnnxFiles.in(a).queryTower(), OnnxFiles.in(c).candidateTower(), BackendOptions.none())
                .close();
    }

    @Override
    protected void setVersion(Path target, int version) throws IOException {
        Path file = files(target).get(0);
        ModelProto.Builder model = ModelProto.parseFrom(Files.readAllBytes(file)).toBuilder();
        for (int i = 0; i < model.getMetadataPropsCount(); i++) {
            if (model.getMetadataProps(i).getKey().equals(OnnxMetadata.FORMAT_VERSION)) {
                model.setMetadataProps(i, StringStringEntryProto.newBuilder().setKey(OnnxMetadata.FORMAT_VERSION)
                        .setValue(Integer.toString(version)));
            }
        }
        Files.write(file, model.build().toByteArray());
    }
}
