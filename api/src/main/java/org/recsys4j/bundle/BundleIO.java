package org.recsys4j.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.TrainingConfig;
import org.recsys4j.vocab.StringLookup;

/**
 * Reads and writes model bundles: a directory with {@code model.json} (format, spec, vocabularies,
 * training config, provenance, the weights file's SHA-256) and {@code weights.safetensors}.
 *
 * <p>Writes go to a fresh sibling directory that replaces the target only once complete, so a
 * crash or a full disk never leaves a half-written bundle where a good one was. Reads check the
 * format version, the checksum, every shape against the spec, and say what is wrong.
 */
public final class BundleIO {
    public static final String FORMAT = "recsys4j-bundle";
    /** 2: towers with features, score bias and normalisation, and the Retrieval options; 1 is read and upgraded. */
    public static final int FORMAT_VERSION = 2;
    public static final String MODEL_FILE = "model.json";
    public static final String WEIGHTS_FILE = "weights.safetensors";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private BundleIO() {
    }

    /**
     * Writes {@code bundle}, and any {@code extras} (an index, say) inside the same directory, then
     * swaps the whole directory in for {@code dir}. Whatever {@code dir} held before goes, an old
     * index included: an index belongs to the weights it was built from.
     */
    public static void save(ModelBundle bundle, Path dir, BundleExtra... extras) throws IOException {
        replaceDirectory(dir, staging -> {
            Path weights = staging.resolve(WEIGHTS_FILE);
            Safetensors.write(weights, bundle.weights().asMap(), Map.of("format", FORMAT));
            fsync(weights);
            ObjectNode root = JSON.createObjectNode();
            root.put("format", FORMAT);
            root.put("formatVersion", FORMAT_VERSION);
            root.set("spec", JSON.valueToTree(bundle.spec()));
            ObjectNode vocabularies = root.putObject("vocabularies");
            bundle.vocabularies().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> vocabularies.set(e.getKey(), JSON.valueToTree(e.getValue().vocabulary())));
            root.set("training", JSON.valueToTree(bundle.training()));
            root.set("provenance", JSON.valueToTree(bundle.provenance()));
            ObjectNode w = root.putObject("weights");
            w.put("file", WEIGHTS_FILE);
            w.put("sha256", sha256(weights));
            Path model = staging.resolve(MODEL_FILE);
            JSON.writeValue(model.toFile(), root);
            fsync(model);
            for (BundleExtra extra : extras) {
                extra.writeInto(staging);
            }
        });
    }

    /** Writes the contents of a directory; see {@link #replaceDirectory}. */
    @FunctionalInterface
    public interface DirectoryWriter {
        void write(Path dir) throws IOException;
    }

    /**
     * Has {@code writer} fill a fresh sibling of {@code target}, then swaps it in for {@code target};
     * the old directory is removed only after the swap. A crash or a full disk part way never leaves
     * a half-written directory where a good one was.
     */
    public static void replaceDirectory(Path target, DirectoryWriter writer) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        Path staging = Files.createTempDirectory(parent, "." + abs.getFileName() + ".writing-");
        try {
            writer.write(staging);
            replace(staging, abs);
        } catch (IOException | RuntimeException e) {
            deleteTree(staging);
            throw e;
        }
    }

    /** Swaps {@code staging} in for {@code target}; the old directory is removed only after the swap. */
    private static void replace(Path staging, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
            Files.delete(old);
            move(target, old);
        }
        try {
            move(staging, target);
        } catch (IOException e) {
            if (old != null) {
                move(old, target); // put the previous directory back
            }
            throw e;
        }
        if (old != null) {
            deleteTree(old);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    public static ModelBundle load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "not a model bundle directory");
        }
        Path modelFile = dir.resolve(MODEL_FILE);
        if (!Files.isRegularFile(modelFile)) {
            throw new BundleFormatException(dir + " is not a model bundle: " + MODEL_FILE + " is missing");
        }
        JsonNode root;
        try {
            root = JSON.readTree(modelFile.toFile());
        } catch (JsonProcessingException e) {
            throw new BundleFormatException(modelFile + " is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ")", e);
        }
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new BundleFormatException(modelFile + ": 'format' must be \"" + FORMAT + "\"");
        }
        int version = root.path("formatVersion").asInt(-1);
        if (version == 1 && root.path("spec").isObject()) {
            upgradeFromVersion1((com.fasterxml.jackson.databind.node.ObjectNode) root.path("spec"));
        } else if (version != FORMAT_VERSION) {
            throw new BundleFormatException(modelFile + ": formatVersion " + root.path("formatVersion")
                    + " is not supported; this recsys4j reads versions 1 and " + FORMAT_VERSION);
        }
        RetrievalSpec spec = field(modelFile, root, "spec", RetrievalSpec.class);
        TrainingConfig training = root.hasNonNull("training")
                ? field(modelFile, root, "training", TrainingConfig.class) : null;
        Provenance provenance = root.hasNonNull("provenance")
                ? field(modelFile, root, "provenance", Provenance.class) : null;
        Map<String, StringLookup> vocabularies = vocabularies(modelFile, root.path("vocabularies"));

        String weightsName = root.path("weights").path("file").asText(WEIGHTS_FILE);
        if (weightsName.contains("/") || weightsName.contains("\\") || weightsName.startsWith(".")) {
            throw new BundleFormatException(modelFile + ": weights.file must be a plain file name, got " + weightsName);
        }
        Path weightsFile = dir.resolve(weightsName);
        if (!Files.isRegularFile(weightsFile)) {
            throw new BundleFormatException(dir + ": the weights file " + weightsName + " is missing");
        }
        Weights weights = new Weights(Safetensors.read(weightsFile));
        String expected = root.path("weights").path("sha256").asText("");
        String actual = sha256(weightsFile);
        if (!expected.isEmpty() && !expected.equalsIgnoreCase(actual)) {
            throw new BundleFormatException(weightsFile + " is damaged: its SHA-256 is " + actual
                    + " but " + MODEL_FILE + " records " + expected);
        }
        try {
            return new ModelBundle(spec, vocabularies, weights, training, provenance);
        } catch (IllegalArgumentException e) {
            throw new BundleFormatException(dir + " is inconsistent: " + e.getMessage(), e);
        }
    }

    /**
     * Version 1 specs predate the Retrieval options and the tower options: they had none of them,
     * so each gets the value that means "off". Version 2 files must carry every field.
     */
    private static void upgradeFromVersion1(com.fasterxml.jackson.databind.node.ObjectNode spec) {
        if (spec.path("task").isObject()) {
            var task = (com.fasterxml.jackson.databind.node.ObjectNode) spec.get("task");
            for (String name : new String[] {"l2PerExample", "l2PerTable"}) {
                if (!task.has(name)) {
                    task.put(name, 0.0);
                }
            }
            for (String name : new String[] {"numHardNegatives", "extraNegatives"}) {
                if (!task.has(name)) {
                    task.put(name, 0);
                }
            }
            if (!task.has("removeAccidentalHits")) {
                task.put("removeAccidentalHits", false);
            }
        }
        for (String tower : new String[] {"query", "candidate"}) {
            if (spec.path(tower).isObject() && !spec.get(tower).has("normalize")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) spec.get(tower)).put("normalize", false);
            }
        }
    }

    /**
     * The SHA-256 of the weights as {@code model.json} in {@code dir} records it, or null if
     * {@code dir} holds no readable bundle; an index saved beside the weights records it to notice
     * when the weights change under it.
     */
    public static String recordedWeightsSha256(Path dir) throws IOException {
        Path modelFile = dir.resolve(MODEL_FILE);
        if (!Files.isRegularFile(modelFile)) {
            return null;
        }
        try {
            String sha = JSON.readTree(modelFile.toFile()).path("weights").path("sha256").asText("");
            return sha.isEmpty() ? null : sha;
        } catch (JsonProcessingException e) {
            throw new BundleFormatException(modelFile + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static <T> T field(Path file, JsonNode root, String name, Class<T> type) throws BundleFormatException {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            throw new BundleFormatException(file + ": '" + name + "' is missing");
        }
        try {
            return JSON.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String why = cause instanceof JsonProcessingException j ? j.getOriginalMessage() : cause.getMessage();
            throw new BundleFormatException(file + ": '" + name + "' is invalid: " + why, e);
        }
    }

    private static Map<String, StringLookup> vocabularies(Path file, JsonNode node) throws BundleFormatException {
        if (!node.isObject()) {
            throw new BundleFormatException(file + ": 'vocabularies' is missing or not an object");
        }
        Map<String, StringLookup> out = new LinkedHashMap<>();
        for (var it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isArray()) {
                throw new BundleFormatException(file + ": vocabulary '" + e.getKey() + "' is not a list of strings");
            }
            List<String> tokens = new ArrayList<>(e.getValue().size());
            for (JsonNode t : e.getValue()) {
                if (!t.isTextual()) {
                    throw new BundleFormatException(file + ": vocabulary '" + e.getKey() + "' holds a non-string " + t);
                }
                tokens.add(t.asText());
            }
            try {
                out.put(e.getKey(), StringLookup.of(tokens));
            } catch (IllegalArgumentException ex) {
                throw new BundleFormatException(file + ": vocabulary '" + e.getKey() + "': " + ex.getMessage(), ex);
            }
        }
        return out;
    }

    /** The SHA-256 of a file, as lower-case hex. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Forces a written file to the disk before it is renamed into place. */
    public static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
