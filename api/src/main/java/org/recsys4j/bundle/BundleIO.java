package org.recsys4j.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.recsys4j.io.AtomicFiles;
import org.recsys4j.io.Checksums;
import org.recsys4j.io.CommitDirectory;
import org.recsys4j.io.FileChecks;
import org.recsys4j.io.FormatException;
import org.recsys4j.io.JsonFiles;
import org.recsys4j.io.Text;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spec.TrainingConfig;
import org.recsys4j.vocab.StringLookup;

/**
 * Reads and writes model bundles: a directory with {@code model.json} (format, model, vocabularies,
 * training config, provenance, the weights file's name and SHA-256, the extras' directories) and
 * the files it names, {@code weights-N.safetensors} and extras such as {@code index-N/}.
 *
 * <p>A save writes a new generation of files beside the old ones and commits by renaming a new
 * {@code model.json} over the old one (see {@link CommitDirectory}): at every moment the directory
 * holds a complete bundle, the old or the new, and a kill at any point leaves one of the two. Reads
 * check the format version ({@link BundleFormat}), the checksum, every shape against the spec, and
 * say what is wrong.
 */
public final class BundleIO {
    public static final String MODEL_FILE = "model.json";
    /** The weights' name in bundles of format versions 1 and 2. */
    static final String LEGACY_WEIGHTS_FILE = "weights.safetensors";
    /** Extras that bundles of format version 2 kept as one file beside {@code model.json}. */
    private static final Map<String, String> LEGACY_EXTRA_FILES = Map.of("seen_items", "seen_items.safetensors",
            "spark", "spark.json", "data", "data.json");
    private static final String WEIGHTS = "weights";
    private static final String WEIGHTS_EXTENSION = ".safetensors";
    /** What {@code Files.createTempDirectory} staging of releases before format 3 left beside a bundle. */
    private static final String LEGACY_STAGING = "\\.(writing|old)-\\d+";

    private static final CommitDirectory DIRECTORY = new CommitDirectory(MODEL_FILE, stems(),
            legacyNames(), BundleIO::references, BundleFormatException::new, "model bundle");

    private BundleIO() {
    }

    /** The files that make up the bundle committed in a directory now. */
    public record CommittedFiles(Path model, Path weights, Map<String, Path> extras) {
    }

    /** Reads an extra of a bundle; see {@link #readExtra}. */
    @FunctionalInterface
    public interface ExtraReader<T> {
        /** Reads the extra's directory {@code dir}, given the weights' SHA-256 its commit records. */
        T read(Path dir, String weightsSha256) throws IOException;
    }

    /**
     * Writes {@code bundle}, and any {@code extras} (an index, say) with it, as a new generation in
     * {@code dir} and commits it. Whatever {@code dir} held before goes, an old index included: an
     * index belongs to the weights it was built from.
     */
    public static void save(ModelBundle bundle, Path dir, BundleExtra... extras) throws IOException {
        Set<String> names = new HashSet<>();
        for (BundleExtra extra : extras) {
            if (!BundleFormat.EXTRAS.contains(extra.name()) || !names.add(extra.name())) {
                throw new IllegalArgumentException("extra '" + extra.name() + "' is unknown or given twice; known: "
                        + BundleFormat.EXTRAS);
            }
        }
        removeLegacyStaging(dir);
        DIRECTORY.commit(dir, generation -> {
            Path weights = generation.path(WEIGHTS, WEIGHTS_EXTENSION);
            String sha256 = Safetensors.write(weights, bundle.weights().asMap(),
                    Map.of("format", BundleFormat.HEADER.name()));
            ObjectNode root = JsonFiles.MAPPER.createObjectNode();
            BundleFormat.HEADER.writeTo(root);
            root.set("model", JsonFiles.MAPPER.valueToTree(bundle.model()));
            ObjectNode vocabularies = root.putObject("vocabularies");
            bundle.vocabularies().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> vocabularies.set(e.getKey(),
                            JsonFiles.MAPPER.valueToTree(e.getValue().vocabulary())));
            root.set("training", JsonFiles.MAPPER.valueToTree(bundle.training()));
            root.set("provenance", JsonFiles.MAPPER.valueToTree(bundle.provenance()));
            ObjectNode w = root.putObject("weights");
            w.put("file", weights.getFileName().toString());
            w.put("sha256", sha256);
            ObjectNode extrasNode = root.putObject("extras");
            for (BundleExtra extra : extras) {
                Path extraDir = generation.path(extra.name(), "");
                Files.createDirectory(extraDir);
                extra.writeInto(extraDir, sha256);
                AtomicFiles.fsyncTree(extraDir);
                extrasNode.put(extra.name(), extraDir.getFileName().toString());
            }
            return JsonFiles.bytes(root);
        });
    }

    /** Loads the bundle committed in {@code dir}, checked whole. */
    public static ModelBundle load(Path dir) throws IOException {
        return DIRECTORY.read(dir, commit -> Committed.parse(dir, commit).bundle());
    }

    /** Which files make up the bundle committed in {@code dir} now (read once, not checked). */
    public static CommittedFiles files(Path dir) throws IOException {
        return DIRECTORY.read(dir, commit -> {
            Committed c = Committed.parse(dir, commit);
            return new CommittedFiles(c.modelFile(), c.weightsFile(), c.extras());
        });
    }

    /**
     * Reads the extra {@code name} of the bundle committed in {@code dir}, together with the
     * weights' SHA-256 that the same commit records. No such extra is a {@link NoSuchFileException}.
     */
    public static <T> T readExtra(Path dir, String name, ExtraReader<T> reader) throws IOException {
        return DIRECTORY.read(dir, commit -> {
            Committed c = Committed.parse(dir, commit);
            Path extra = c.extras().get(name);
            if (extra == null) {
                throw new NoSuchFileException(dir.toString(), null, "this bundle has no " + name);
            }
            return reader.read(extra, c.weightsSha256());
        });
    }

    /** One commit of a bundle: its {@code model.json} parsed, header checked and upgraded. */
    private record Committed(Path dir, Path modelFile, JsonNode root, int version) {
        static Committed parse(Path dir, byte[] commit) throws FormatException {
            Path modelFile = dir.resolve(MODEL_FILE);
            JsonNode root = JsonFiles.parseObject(modelFile, commit, "a model bundle's " + MODEL_FILE
                    + " (a JSON object starting {\"format\": \"" + BundleFormat.HEADER.name() + "\", ...})",
                    BundleFormatException::new);
            int version = BundleFormat.HEADER.check(modelFile, root, BundleFormatException::new);
            BundleFormat.upgrade(version, (ObjectNode) root);
            return new Committed(dir, modelFile, root, version);
        }

        Path weightsFile() throws BundleFormatException {
            JsonNode file = root.path("weights").path("file");
            if (file.isMissingNode() && version < BundleFormat.GENERATIONS) {
                return dir.resolve(LEGACY_WEIGHTS_FILE);
            }
            return dir.resolve(plainName("weights.file", file));
        }

        String weightsSha256() {
            return root.path("weights").path("sha256").asText("");
        }

        Map<String, Path> extras() throws BundleFormatException {
            Map<String, Path> out = new LinkedHashMap<>();
            if (version < BundleFormat.GENERATIONS) { // fixed names: index/ and seen_items.safetensors
                if (Files.isDirectory(dir.resolve("index"))) {
                    out.put("index", dir.resolve("index"));
                }
                LEGACY_EXTRA_FILES.forEach((extra, file) -> {
                    if (Files.exists(dir.resolve(file), LinkOption.NOFOLLOW_LINKS)) {
                        out.put(extra, dir); // the extra's directory is the bundle itself
                    }
                });
                return out;
            }
            JsonNode extras = root.path("extras");
            if (extras.isMissingNode()) {
                return out; // written by hand, say: no extras
            }
            if (!extras.isObject()) {
                throw new BundleFormatException(modelFile, modelFile + ": 'extras' must be an object, got "
                        + extras.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            }
            for (var it = extras.fields(); it.hasNext(); ) {
                var e = it.next();
                out.put(e.getKey(), dir.resolve(plainName("extras." + e.getKey(), e.getValue())));
            }
            return out;
        }

        private String plainName(String field, JsonNode value) throws BundleFormatException {
            String name = value.isTextual() ? value.asText() : "";
            if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
                throw new BundleFormatException(modelFile, modelFile + ": " + field + " must be a file name in the"
                        + " bundle directory, got " + (value.isMissingNode() ? "none" : Text.cut(value.toString())));
            }
            return name;
        }

        ModelBundle bundle() throws IOException {
            ModelSpec model = BundleFormat.model(modelFile, root, version);
            TrainingConfig training = root.hasNonNull("training")
                    ? JsonFiles.field(modelFile, root, "training", TrainingConfig.class, BundleFormatException::new)
                    : null;
            Provenance provenance = root.hasNonNull("provenance")
                    ? JsonFiles.field(modelFile, root, "provenance", Provenance.class, BundleFormatException::new)
                    : null;
            Map<String, StringLookup> vocabularies = vocabularies(modelFile, root.path("vocabularies"));
            String recorded = weightsSha256();
            Path weightsFile = weightsFile();
            if (recorded.isEmpty()) { // before reading megabytes that cannot be trusted
                Checksums.verify(weightsFile, recorded, "", modelFile.toString(), BundleFormatException::new);
            }
            FileChecks.requireRegularFile(weightsFile, "the bundle's weights (safetensors)",
                    BundleFormatException::new);
            MessageDigest digest = Checksums.sha256();
            Weights weights = new Weights(Safetensors.read(weightsFile, digest));
            Checksums.verify(weightsFile, recorded, Checksums.hex(digest), modelFile.toString(),
                    BundleFormatException::new);
            try {
                return new ModelBundle(model, vocabularies, weights, training, provenance);
            } catch (IllegalArgumentException e) {
                throw new BundleFormatException(dir, dir + " is inconsistent: " + e.getMessage(), e);
            }
        }
    }

    private static Map<String, StringLookup> vocabularies(Path file, JsonNode node) throws BundleFormatException {
        if (!node.isObject()) {
            throw new BundleFormatException(file, file + ": 'vocabularies' is missing or not an object");
        }
        Map<String, StringLookup> out = new LinkedHashMap<>();
        for (var it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isArray()) {
                throw new BundleFormatException(file,
                        file + ": vocabulary '" + e.getKey() + "' is not a list of strings");
            }
            List<String> tokens = new ArrayList<>(e.getValue().size());
            for (JsonNode t : e.getValue()) {
                if (!t.isTextual()) {
                    throw new BundleFormatException(file, file + ": vocabulary '" + e.getKey() + "' holds a non-string "
                            + Text.cut(t.toString()));
                }
                tokens.add(t.asText());
            }
            try {
                out.put(e.getKey(), StringLookup.of(tokens));
            } catch (IllegalArgumentException ex) {
                throw new BundleFormatException(file, file + ": vocabulary '" + e.getKey() + "': "
                        + Text.cut(ex.getMessage()), ex);
            }
        }
        return out;
    }

    /** The entries of the bundle directory a commit uses: what other saves must leave alone. */
    private static Set<String> references(byte[] commit) {
        Set<String> names = new HashSet<>();
        try {
            Committed c = Committed.parse(Path.of(""), commit);
            names.add(c.weightsFile().getFileName().toString());
            if (c.version() < BundleFormat.GENERATIONS) {
                names.addAll(legacyNames());
            } else {
                c.extras().values().forEach(p -> names.add(p.getFileName().toString()));
            }
        } catch (IOException | RuntimeException e) {
            // a commit that cannot be parsed names nothing worth keeping
        }
        return names;
    }

    private static Set<String> stems() {
        Set<String> stems = new HashSet<>(BundleFormat.EXTRAS);
        stems.add(WEIGHTS);
        return stems;
    }

    private static Set<String> legacyNames() {
        Set<String> names = new HashSet<>(LEGACY_EXTRA_FILES.values());
        names.add(LEGACY_WEIGHTS_FILE);
        names.add("index");
        return names;
    }

    /** Removes the staging and backup directories a killed save of a release before format 3 left. */
    private static void removeLegacyStaging(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return;
        }
        Pattern leftover = Pattern.compile(Pattern.quote("." + abs.getFileName()) + LEGACY_STAGING);
        try (DirectoryStream<Path> s = Files.newDirectoryStream(parent,
                p -> leftover.matcher(p.getFileName().toString()).matches())) {
            for (Path p : s) {
                AtomicFiles.deleteTree(p);
            }
        } catch (IOException e) {
            // the next save tries again
        }
    }

}
