package org.recsys4j.nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a second BLAS loaded in this JVM beside ND4J's own OpenBLAS, and warns. The case met:
 * Spark MLlib's BLAS ({@code dev.ludovic.netlib}) loads the system's {@code libblas.so.3} the first
 * time it runs natively (an ALS fit, say), into the global symbol scope; from then on its
 * {@code cblas_sgemm} also answers ND4J's calls not yet bound to OpenBLAS, and Debian's reference
 * BLAS did so about ten times slower (and with other rounding). Nothing fails, so without a word
 * a user's training just gets slow. Read from {@code /proc/self/maps} (Linux; elsewhere nothing is
 * found), at each trainer start, each library warned about once.
 */
final class ForeignBlas {
    private static final Logger LOG = LoggerFactory.getLogger(ForeignBlas.class);
    /** File names of libraries that export CBLAS: reference, OpenBLAS, ATLAS, BLIS, MKL. */
    private static final Pattern BLAS = Pattern.compile(
            "lib(c?blas|openblas\\w*|[st]?atlas|blis\\w*|mkl_rt)\\.so(\\.[0-9]+)*");
    /** Where JavaCPP unpacks ND4J's own OpenBLAS (and its JNI stubs): its cache's package folders. */
    private static final String OWN = "/org/bytedeco/";
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private ForeignBlas() {
    }

    /** Warns (once per library) about every BLAS in this process that is not ND4J's own. */
    static void warnIfLoaded() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return;
        }
        List<String> found;
        try {
            found = in(Files.readAllLines(maps));
        } catch (IOException e) {
            return; // a check that cannot read the maps has nothing to say; training goes on
        }
        for (String library : found) {
            if (WARNED.add(library)) {
                LOG.warn(message(library));
            }
        }
    }

    /**
     * The BLAS libraries among the files mapped in {@code mapsLines} (the lines of a
     * {@code /proc/PID/maps}) other than ND4J's own, each once, in the order mapped.
     */
    static List<String> in(List<String> mapsLines) {
        Set<String> out = new LinkedHashSet<>();
        for (String line : mapsLines) {
            // address perms offset dev inode [path]; the path is the rest, and may hold spaces
            String[] f = line.trim().split("\\s+", 6);
            if (f.length < 6 || !f[5].startsWith("/")) {
                continue;
            }
            String path = f[5].endsWith(" (deleted)") ? f[5].substring(0, f[5].length() - 10) : f[5];
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (BLAS.matcher(name).matches() && !path.contains(OWN)) {
                out.add(path);
            }
        }
        return new ArrayList<>(out);
    }

    static String message(String library) {
        return "another BLAS, " + library + ", is loaded in this JVM beside ND4J's OpenBLAS; its cblas_sgemm"
                + " can answer ND4J's calls (the reference BLAS about ten times slower, with other rounding)."
                + " Spark MLlib loads the system's libblas.so.3 when it first runs native BLAS; to keep it out,"
                + " start the JVM with -Ddev.ludovic.netlib.blas.nativeLib=none"
                + " -Ddev.ludovic.netlib.lapack.nativeLib=none (MLlib then runs its Java BLAS),"
                + " or train on backend=tensorflow";
    }
}
