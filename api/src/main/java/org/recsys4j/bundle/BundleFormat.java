package org.recsys4j.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Set;
import org.recsys4j.io.FormatException;
import org.recsys4j.io.FormatHeader;
import org.recsys4j.io.JsonFiles;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spec.RetrievalSpec;

/**
 * The bundle format's one home: its name, the versions this build reads and writes, and how each
 * older version is brought up to the current one. The versions:
 *
 * <ol>
 *   <li>the spec (embedding towers and dense layers), vocabularies, training config, provenance;
 *       {@code weights.safetensors}, an optional {@code index/} and (late in version 2) the
 *       optional {@code seen_items.safetensors}, {@code spark.json} and {@code data.json} beside
 *       {@code model.json}.
 *   <li>towers with context features, score bias and normalisation, and the Retrieval options.
 *       Version 1 is read with every option off.
 *   <li>generation-named data files ({@code weights-N.safetensors}, {@code index-N/},
 *       {@code seen_items-N/}, {@code spark-N/}, {@code data-N/}) that {@code model.json} names ({@code weights.file},
 *       {@code extras}), so that a save commits by
 *       replacing {@code model.json} alone and readers always find a complete bundle. Versions 1
 *       and 2 are read from their fixed names.
 *   <li>the whole model: {@code model} (towers, and tasks each with a type and a loss weight:
 *       Retrieval, Ranking with dense and cross head layers) in place of {@code spec}, and the
 *       training config's optimizer with a type ({@code adagrad}, {@code adam}). Versions 1 to 3
 *       are read as a model of their two towers and one Retrieval task of weight 1, their
 *       optimizer as Adagrad.
 * </ol>
 *
 * <p>To add a version: raise {@link #HEADER}'s newest version, write the new fields in
 * {@code BundleIO.save}, add a line above, and in {@link #upgrade} give files of older versions
 * what they lack (the value that means "off"), so that every version that loads today still loads.
 */
public final class BundleFormat {
    /** Format name and the versions read (oldest to newest); the newest is the one written. */
    public static final FormatHeader HEADER = new FormatHeader("recsys4j-bundle", 1, 4);
    /** The first version with generation-named files; older bundles use the fixed names. */
    static final int GENERATIONS = 3;
    /** The first version that records the whole model ({@code model}) rather than a retrieval spec. */
    static final int MODEL_SPEC = 4;
    /** The names of the extras a bundle may carry (see {@link BundleExtra#name()}). */
    public static final Set<String> EXTRAS = Set.of("index", "seen_items", "spark", "data", "latest_items");

    private BundleFormat() {
    }

    /** Brings the parsed {@code model.json} of {@code version} up to what the current version holds. */
    static void upgrade(int version, ObjectNode root) {
        if (version < 2 && root.path("spec").isObject()) {
            upgradeSpecFromVersion1((ObjectNode) root.get("spec"));
        }
    }

    /**
     * The model the parsed (and upgraded) {@code model.json} of {@code version} declares: its
     * {@code model}, or before version 4 its retrieval {@code spec} as a model of one Retrieval task.
     * A field that does not read, or a model that is not valid (a task without a weight above 0, a
     * head with no input), is an error naming the file and the field.
     */
    static ModelSpec model(Path file, JsonNode root, int version) throws FormatException {
        if (version < MODEL_SPEC) {
            return ModelSpec.of(JsonFiles.field(file, root, "spec", RetrievalSpec.class, BundleFormatException::new));
        }
        return JsonFiles.field(file, root, "model", ModelSpec.class, BundleFormatException::new);
    }

    /**
     * Version 1 specs predate the Retrieval options and the tower options: they had none of them,
     * so each gets the value that means "off". Version 2 files must carry every field.
     */
    private static void upgradeSpecFromVersion1(ObjectNode spec) {
        if (spec.path("task").isObject()) {
            ObjectNode task = (ObjectNode) spec.get("task");
            for (String name : new String[] {"l2PerExample", "l2PerTable"}) {
                putIfAbsent(task, name, 0.0);
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
            JsonNode t = spec.path(tower);
            if (t.isObject() && !t.has("normalize")) {
                ((ObjectNode) t).put("normalize", false);
            }
        }
    }

    private static void putIfAbsent(ObjectNode node, String name, double value) {
        if (!node.has(name)) {
            node.put(name, value);
        }
    }
}
