package org.recsys4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.recsys4j.bundle.BundleExtra;
import org.recsys4j.bundle.BundleFormatException;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.LatestItems;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.bundle.Safetensors;
import org.recsys4j.index.ScannIndex;
import org.recsys4j.index.ScannIndexIO;
import org.recsys4j.io.FileChecks;
import org.recsys4j.io.FormatHeader;
import scala.Option;

/**
 * Saving and loading {@link TwoTowerRetrievalModel} the Spark ML way: {@code PATH/metadata} holds
 * the class, uid and params as every Spark ML stage writes them (so {@code PipelineModel.load}
 * finds the class), and {@code PATH/bundle} the recsys4j bundle, readable by every other recsys4j
 * tool. PATH may be any Hadoop file system; the bundle is written locally and copied.
 */
final class ModelIO {
    static final String BUNDLE = "bundle";
    /** The bundle extra holding the id column types, and its file. */
    static final String EXTRA = "spark";
    static final String SPARK_FILE = "spark.json";
    /**
     * Format 1 of the Spark models' own file of each user's latest item, in the {@value #EXTRA}
     * extra before they moved to {@link LatestItems}; read so that models saved with it still load.
     */
    static final String LEGACY_LATEST = "previous_items.safetensors";
    private static final FormatHeader LEGACY_HEADER = new FormatHeader("recsys4j-spark-previous-items", 1, 1);

    private ModelIO() {
    }

    /** The {@value #EXTRA} extra: the id types. */
    static BundleExtra sparkExtra(IdType users, IdType items) {
        return BundleExtra.of(EXTRA,
                (dir, weightsSha256) -> new SparkTypes(users, items).write(dir.resolve(SPARK_FILE)));
    }

    /**
     * The users' latest items of the bundle committed in {@code bundleDir} ({@link LatestItems}), or
     * null when its query tower reads no context; from the {@value #EXTRA} extra's
     * {@value #LEGACY_LATEST} in a bundle saved before they moved to {@code LatestItems}.
     */
    static LatestItems latestItems(Path bundleDir, ModelBundle bundle) throws IOException {
        LatestItems latest = LatestItems.loadIfPresent(bundleDir, bundle);
        if (latest != null || bundle.spec().query().contextFeatures().isEmpty()) {
            return latest;
        }
        return BundleIO.readExtra(bundleDir, EXTRA, (dir, weightsSha256) -> legacyLatestItems(dir, bundle));
    }

    private static LatestItems legacyLatestItems(Path dir, ModelBundle bundle) throws IOException {
        Path file = dir.resolve(LEGACY_LATEST);
        FileChecks.requireRegularFile(file, "each user's latest item for the query tower's context (safetensors)",
                BundleFormatException::new);
        Map<String, String> meta = Safetensors.metadata(file);
        LEGACY_HEADER.check(file, meta.get("format"), meta.get("format_version"), BundleFormatException::new);
        int[] latest = Safetensors.readInt32(file).get("latest_by_user_row");
        int users = bundle.vocabulary(bundle.spec().query()).size();
        try {
            if (latest == null || latest.length != users) {
                throw new IllegalArgumentException("'latest_by_user_row' must have one entry per user row (" + users
                        + ")");
            }
            return LatestItems.of(bundle, meta.get("feature"), IntStream.range(0, users).toArray(), latest);
        } catch (IllegalArgumentException e) {
            throw new BundleFormatException(file, file + " is not a valid previous-items file: " + e.getMessage());
        }
    }

    static final class Writer extends MLWriter {
        private final TwoTowerRetrievalModel model;

        Writer(TwoTowerRetrievalModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter$.MODULE$.saveMetadata(model, path, sc(), Option.empty(), Option.empty());
            Path local = null;
            try {
                local = Files.createTempDirectory("recsys4j-save");
                Path bundle = local.resolve(BUNDLE);
                model.saveBundle(bundle);
                org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(path, BUNDLE);
                FileSystem fs = target.getFileSystem(sc().hadoopConfiguration());
                fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(bundle.toUri()), target);
            } catch (IOException e) {
                throw new UncheckedIOException("could not save the recsys4j bundle to " + path + "/" + BUNDLE, e);
            } finally {
                deleteQuietly(local);
            }
        }
    }

    static final class Reader extends MLReader<TwoTowerRetrievalModel> {
        @Override
        public TwoTowerRetrievalModel load(String path) {
            String className = TwoTowerRetrievalModel.class.getName();
            DefaultParamsReader.Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sc(), className);
            Path local = null;
            org.apache.hadoop.fs.Path source = new org.apache.hadoop.fs.Path(path, BUNDLE);
            try {
                local = Files.createTempDirectory("recsys4j-load");
                FileSystem fs = source.getFileSystem(sc().hadoopConfiguration());
                if (!fs.exists(source)) {
                    throw new IllegalArgumentException("Cannot load TwoTowerRetrievalModel: " + source
                            + " does not exist; the path must be a directory written by TwoTowerRetrievalModel.save");
                }
                Path bundleDir = local.resolve(BUNDLE);
                fs.copyToLocalFile(false, source, new org.apache.hadoop.fs.Path(bundleDir.toUri()), true);
                ModelBundle bundle = BundleIO.load(bundleDir);
                ScannIndex index = ScannIndexIO.exists(bundleDir) ? ScannIndexIO.load(bundleDir, null) : null;
                SparkTypes types;
                LatestItems latestItems;
                try {
                    types = BundleIO.readExtra(bundleDir, EXTRA,
                            (dir, weightsSha256) -> readTypes(source, dir.resolve(SPARK_FILE)));
                    latestItems = latestItems(bundleDir, bundle);
                } catch (java.nio.file.NoSuchFileException e) {
                    throw new IOException(source + " has no " + EXTRA + " extra (" + SPARK_FILE + "): the bundle was"
                            + " not saved by TwoTowerRetrievalModel", e);
                }
                TwoTowerRetrievalModel model = new TwoTowerRetrievalModel(metadata.uid(), bundle, index,
                        latestItems, types.users(), types.items());
                metadata.getAndSetParams(model, Option.empty());
                return model;
            } catch (IOException e) {
                // BundleIO's message names the file and what is wrong with it (a newer format version, say)
                throw new IllegalArgumentException("Cannot load TwoTowerRetrievalModel from " + path + ": "
                        + e.getMessage(), e);
            } finally {
                deleteQuietly(local);
            }
        }

        private static SparkTypes readTypes(org.apache.hadoop.fs.Path source, Path file) throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new IOException(source + "/" + SPARK_FILE + " is missing: the bundle was not saved by"
                        + " TwoTowerRetrievalModel");
            }
            return SparkTypes.read(file);
        }
    }

    static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; nothing depends on its removal
        }
    }
}
