package org.recsys4j.bundle;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.recsys4j.io.AtomicFiles;
import org.recsys4j.io.Checksums;
import org.recsys4j.io.FileChecks;
import org.recsys4j.io.FormatHeader;
import org.recsys4j.vocab.StringLookup;

/**
 * The candidates each query has already interacted with in training (a user's rated movies), so
 * that serving can leave them out ({@code exclude_seen}), as the served metrics do. A sparse
 * matrix in CSR form over vocabulary rows: query row r has seen the candidate rows
 * {@code rows[offsets[r] .. offsets[r + 1])}, ascending and distinct. Ids outside a vocabulary
 * (its OOV row) are not recorded.
 *
 * <p>Saved as {@value #FILE} in the bundle's extra {@value #EXTRA} ({@link #inBundle()}, written
 * and committed with the bundle) or anywhere ({@link #save}): a safetensors file of two {@code I32} tensors,
 * {@code offsets} and {@code rows}, with metadata naming the format, both features, the
 * vocabulary sizes and a SHA-256 over both vocabularies, which {@link #load} checks against the
 * bundle it serves with.
 */
public final class SeenItems {
    public static final String FILE = "seen_items.safetensors";
    /** The extra's name in a bundle's {@code model.json}, and the stem of its directories. */
    public static final String EXTRA = "seen_items";
    /** Format name and versions read, in the file's metadata ({@code format}, {@code format_version}). */
    public static final FormatHeader HEADER = new FormatHeader("recsys4j-seen-items", 1, 1);

    private final String queryFeature;
    private final String candidateFeature;
    private final String vocabulariesSha256;
    private final int[] offsets;
    private final int[] rows;

    private SeenItems(String queryFeature, String candidateFeature, String vocabulariesSha256, int[] offsets,
            int[] rows) {
        this.queryFeature = queryFeature;
        this.candidateFeature = candidateFeature;
        this.vocabulariesSha256 = vocabulariesSha256;
        this.offsets = offsets;
        this.rows = rows;
    }

    /**
     * The pairs (queryIds[i], candidateIds[i]) of the training interactions, through the bundle's
     * vocabularies for the two towers' features.
     */
    public static SeenItems of(ModelBundle bundle, String[] queryIds, String[] candidateIds) {
        if (queryIds.length != candidateIds.length) {
            throw new IllegalArgumentException(queryIds.length + " query ids for " + candidateIds.length
                    + " candidate ids");
        }
        StringLookup queries = bundle.vocabulary(bundle.spec().query());
        StringLookup candidates = bundle.vocabulary(bundle.spec().candidate());
        return ofRows(bundle, queries.lookup(queryIds), candidates.lookup(candidateIds));
    }

    /** As {@link #of}, from vocabulary rows already looked up; rows 0 (OOV) are skipped. */
    public static SeenItems ofRows(ModelBundle bundle, int[] queryRows, int[] candidateRows) {
        int nq = bundle.vocabulary(bundle.spec().query()).size();
        int nc = bundle.vocabulary(bundle.spec().candidate()).size();
        int[] counts = new int[nq + 1];
        for (int i = 0; i < queryRows.length; i++) {
            check(queryRows[i], nq, "query");
            check(candidateRows[i], nc, "candidate");
            if (queryRows[i] != 0 && candidateRows[i] != 0) {
                counts[queryRows[i] + 1]++;
            }
        }
        for (int r = 0; r < nq; r++) {
            counts[r + 1] += counts[r];
        }
        int[] fill = Arrays.copyOf(counts, nq);
        int[] all = new int[counts[nq]];
        for (int i = 0; i < queryRows.length; i++) {
            if (queryRows[i] != 0 && candidateRows[i] != 0) {
                all[fill[queryRows[i]]++] = candidateRows[i];
            }
        }
        // sort and de-duplicate each query's rows, compacting in place
        int[] offsets = new int[nq + 1];
        int out = 0;
        for (int r = 0; r < nq; r++) {
            int from = counts[r];
            int to = counts[r + 1];
            Arrays.sort(all, from, to);
            offsets[r] = out;
            for (int i = from; i < to; i++) {
                if (i == from || all[i] != all[i - 1]) {
                    all[out++] = all[i];
                }
            }
        }
        offsets[nq] = out;
        return new SeenItems(bundle.spec().query().feature(), bundle.spec().candidate().feature(),
                vocabulariesSha256(bundle), offsets, Arrays.copyOf(all, out));
    }

    private static void check(int row, int size, String which) {
        if (row < 0 || row >= size) {
            throw new IllegalArgumentException(which + " row " + row + " is outside its vocabulary of " + size);
        }
    }

    /** The candidate vocabulary rows query row {@code queryRow} has seen, ascending (empty for OOV). */
    public int[] rows(int queryRow) {
        if (queryRow <= 0 || queryRow >= offsets.length - 1) {
            return new int[0];
        }
        return Arrays.copyOfRange(rows, offsets[queryRow], offsets[queryRow + 1]);
    }

    /** Queries (vocabulary rows, OOV included) this covers. */
    public int queryRows() {
        return offsets.length - 1;
    }

    /** All recorded (query, candidate) pairs. */
    public int pairs() {
        return rows.length;
    }

    /** The query tower's feature whose rows this maps. */
    public String queryFeature() {
        return queryFeature;
    }

    /** The candidate tower's feature whose rows this lists. */
    public String candidateFeature() {
        return candidateFeature;
    }

    /** Writes itself into a bundle being saved: {@code BundleIO.save(bundle, dir, seen.inBundle())}. */
    public BundleExtra inBundle() {
        return BundleExtra.of(EXTRA, (dir, weightsSha256) -> save(dir.resolve(FILE)));
    }

    /** Writes to {@code file} whole or not at all (a temporary sibling renamed into place). */
    public void save(Path file) throws IOException {
        AtomicFiles.write(file, this::write);
    }

    private void write(OutputStream out) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", HEADER.name());
        meta.put("format_version", Integer.toString(HEADER.newest()));
        meta.put("query_feature", queryFeature);
        meta.put("candidate_feature", candidateFeature);
        meta.put("query_vocabulary_size", Integer.toString(offsets.length - 1));
        meta.put("vocabularies_sha256", vocabulariesSha256);
        Map<String, int[]> tensors = new LinkedHashMap<>();
        tensors.put("offsets", offsets);
        tensors.put("rows", rows);
        Safetensors.writeInt32(out, tensors, meta);
    }

    /** Whether the bundle committed in {@code bundleDir} has seen items. */
    public static boolean exists(Path bundleDir) {
        try {
            return BundleIO.files(bundleDir).extras().containsKey(EXTRA);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Reads the seen items of the bundle committed in a directory, or a {@value #FILE} given by
     * path, and checks them against {@code bundle}: format, features, vocabularies, and the CSR's
     * own structure.
     */
    public static SeenItems load(Path fileOrBundle, ModelBundle bundle) throws IOException {
        if (Files.isDirectory(fileOrBundle)) {
            return BundleIO.readExtra(fileOrBundle, EXTRA, (dir, weightsSha256) -> loadFile(dir.resolve(FILE), bundle));
        }
        return loadFile(fileOrBundle, bundle);
    }

    private static SeenItems loadFile(Path file, ModelBundle bundle) throws IOException {
        FileChecks.requireRegularFile(file, "a seen-items file (safetensors)", BundleFormatException::new);
        Map<String, String> meta = Safetensors.metadata(file);
        HEADER.check(file, meta.get("format"), meta.get("format_version"), BundleFormatException::new);
        Map<String, int[]> tensors = Safetensors.readInt32(file);
        String q = bundle.spec().query().feature();
        String c = bundle.spec().candidate().feature();
        if (!q.equals(meta.get("query_feature")) || !c.equals(meta.get("candidate_feature"))) {
            throw bad(file, "it maps " + meta.get("query_feature") + " to " + meta.get("candidate_feature")
                    + ", but the model maps " + q + " to " + c);
        }
        if (!vocabulariesSha256(bundle).equals(meta.get("vocabularies_sha256"))) {
            throw bad(file, "it was written for other vocabularies than this model's (vocabularies_sha256 differs)");
        }
        int[] offsets = tensors.get("offsets");
        int[] rows = tensors.get("rows");
        if (offsets == null || rows == null || tensors.size() != 2) {
            throw bad(file, "it must hold exactly the tensors 'offsets' and 'rows', not " + tensors.keySet());
        }
        int nq = bundle.vocabulary(bundle.spec().query()).size();
        int nc = bundle.vocabulary(bundle.spec().candidate()).size();
        if (offsets.length != nq + 1 || offsets[0] != 0 || offsets[nq] != rows.length) {
            throw bad(file, "'offsets' must have " + (nq + 1) + " entries from 0 to " + rows.length);
        }
        for (int r = 0; r < nq; r++) {
            if (offsets[r + 1] < offsets[r]) {
                throw bad(file, "'offsets' decreases at query row " + r);
            }
            for (int i = offsets[r]; i < offsets[r + 1]; i++) {
                if (rows[i] < 1 || rows[i] >= nc || (i > offsets[r] && rows[i] <= rows[i - 1])) {
                    throw bad(file, "query row " + r + " has candidate row " + rows[i]
                            + " (rows must be ascending, distinct, within 1.." + (nc - 1) + ")");
                }
            }
        }
        return new SeenItems(q, c, meta.get("vocabularies_sha256"), offsets, rows);
    }

    private static BundleFormatException bad(Path file, String problem) {
        return new BundleFormatException(file, file + " is not a valid seen-items file: " + problem);
    }

    /** A SHA-256 over the query and candidate vocabularies, in order, one token a line. */
    static String vocabulariesSha256(ModelBundle bundle) {
        MessageDigest md = Checksums.sha256();
        for (StringLookup v : new StringLookup[] {bundle.vocabulary(bundle.spec().query()),
                bundle.vocabulary(bundle.spec().candidate())}) {
            for (String token : v.vocabulary()) {
                md.update(token.getBytes(StandardCharsets.UTF_8));
                md.update((byte) '\n');
            }
            md.update((byte) 0);
        }
        return Checksums.hex(md);
    }}
