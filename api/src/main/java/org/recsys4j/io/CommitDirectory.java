package org.recsys4j.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A directory whose current content is whatever one small commit file names, as Lucene's
 * {@code segments_N} names an index's segments. A directory cannot be replaced atomically while it
 * holds files, but a file can: so each save writes its data files under new names carrying a
 * generation number ({@code weights-7.safetensors}, {@code index-7/}), forces them to disk, then
 * renames a new commit file over the old one. A reader reads the commit file once and opens what it
 * names; at every moment that is a complete version, old or new.
 *
 * <p>After a commit the files of the current and the previous commit stay, so a reader that read
 * the previous commit file a moment ago still finds its files; older ones are removed. A reader
 * slower than two saves finds its files gone, notices that the commit file changed, and reads again
 * (Lucene's readers retry the same way). Files a killed save left (a generation no commit names,
 * a temporary commit file) are removed by the next save. Saves to one directory take turns, by a
 * lock held by the process (released by the system if it dies) and by the thread.
 */
public final class CommitDirectory {
    /** The lock file, which stays in the directory. */
    public static final String LOCK_FILE = ".write.lock";
    private static final Pattern GENERATION = Pattern.compile("([A-Za-z][A-Za-z0-9_]*)-(\\d{1,18})(\\..+)?");
    private static final int READ_ATTEMPTS = 20;
    private static final ConcurrentHashMap<Path, ReentrantLock> THREAD_LOCKS = new ConcurrentHashMap<>();

    private final String commitFile;
    private final Set<String> stems;
    private final Set<String> legacy;
    private final References references;
    private final FormatException.Factory errors;
    private final String what;

    /**
     * @param commitFile the commit file's name, e.g. {@code model.json}
     * @param stems the stems of generation-named entries this format writes, e.g. {@code weights}
     * @param legacy names earlier layouts used without a generation, removed once no commit names them
     * @param references the entry names a commit file uses (none for one that cannot be parsed)
     * @param errors the format's exception type
     * @param what what the directory holds, for messages, e.g. "model bundle"
     */
    public CommitDirectory(String commitFile, Set<String> stems, Set<String> legacy, References references,
            FormatException.Factory errors, String what) {
        this.commitFile = commitFile;
        this.stems = Set.copyOf(stems);
        this.legacy = Set.copyOf(legacy);
        this.references = references;
        this.errors = errors;
        this.what = what;
    }

    /** Writes one generation's files and returns the commit file's content that names them. */
    @FunctionalInterface
    public interface Writer {
        /** Writes the generation's entries and returns the commit file's new content. */
        byte[] write(Generation generation) throws IOException;
    }

    /** Reads a version from the commit file's content (and the files it names). */
    @FunctionalInterface
    public interface Reader<T> {
        /** Reads what the commit file's content {@code commit} (and the entries it names) hold. */
        T read(byte[] commit) throws IOException;
    }

    /** The directory entries a commit file's content names; none if it cannot be parsed. */
    @FunctionalInterface
    public interface References {
        /** The names of the directory entries {@code commit} uses. */
        Set<String> in(byte[] commit);
    }

    /** The generation being written: its number and the names of its entries. */
    public record Generation(Path dir, long number) {
        /** {@code stem-number} followed by {@code extension} (which may be empty). */
        public String name(String stem, String extension) {
            return stem + "-" + number + extension;
        }

        /** The entry {@code stem-N} + {@code extension} of this generation, inside the directory. */
        public Path path(String stem, String extension) {
            return dir.resolve(name(stem, extension));
        }
    }

    /**
     * Writes a new version into {@code dir} and commits it. A directory that does not exist yet is
     * staged beside its place and renamed into it, whole; one that holds other things and no commit
     * file is refused rather than written into.
     */
    public void commit(Path dir, Writer writer) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (FileChecks.anythingAt(abs) && !Files.isDirectory(abs)) {
            String problem = FileChecks.problem(abs);
            throw errors.create(abs, abs + " " + (problem == null ? "is a file" : problem) + ", not a " + what
                    + " directory; refusing to write over it");
        }
        if (!FileChecks.anythingAt(abs)) {
            try { // a new directory appears whole, as a new numbered version must for a server polling
                AtomicFiles.writeNewDirectory(abs, staging ->
                        AtomicFiles.write(staging.resolve(commitFile), writer.write(new Generation(staging, 1))));
                return;
            } catch (FileAlreadyExistsException e) {
                // another save created it meanwhile: commit into it as into any existing directory
            }
        }
        ReentrantLock threadLock = THREAD_LOCKS.computeIfAbsent(abs, k -> new ReentrantLock());
        threadLock.lock();
        try (FileChannel lockFile = FileChannel.open(abs.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
            List<String> entries = list(abs);
            byte[] previous = committed(abs);
            if (previous == null) {
                List<String> foreign = entries.stream().filter(e -> !ours(e)).toList();
                if (!foreign.isEmpty()) {
                    throw errors.create(abs, abs + " holds other files (" + String.join(", ",
                            foreign.subList(0, Math.min(5, foreign.size()))) + (foreign.size() > 5 ? ", ..." : "")
                            + ") and no " + commitFile + ", so it is not a " + what + "; refusing to write into it");
                }
            }
            Set<String> kept = previous == null ? Set.of() : references.in(previous);
            removeUnreferenced(abs, entries, kept);
            long next = entries.stream().mapToLong(this::generation).max().orElse(0) + 1;
            byte[] commit = writer.write(new Generation(abs, next));
            AtomicFiles.write(abs.resolve(commitFile), commit);
            Set<String> keep = new HashSet<>(kept);
            keep.addAll(references.in(commit));
            removeUnreferenced(abs, list(abs), keep);
        } finally {
            threadLock.unlock();
        }
    }

    /**
     * Reads the version committed in {@code dir}; if reading fails while a save replaces it, reads
     * the newer one.
     */
    public <T> T read(Path dir, Reader<T> reader) throws IOException {
        if (!Files.isDirectory(dir)) {
            if (!FileChecks.anythingAt(dir)) {
                throw new NoSuchFileException(dir.toString(), null, "not a " + what + " directory");
            }
            String problem = FileChecks.problem(dir);
            throw errors.create(dir, dir + " " + (problem == null ? "is a file" : problem) + ", not a " + what
                    + " directory");
        }
        for (int attempt = 1; ; attempt++) {
            byte[] commit = readCommit(dir);
            try {
                return reader.read(commit);
            } catch (IOException | RuntimeException e) {
                byte[] now = committed(dir);
                if (attempt < READ_ATTEMPTS && now != null && !Arrays.equals(commit, now)) {
                    continue; // a save replaced what this read was reading: read the new version
                }
                throw e;
            }
        }
    }

    /** The commit file's content, checked to be a readable regular file. */
    public byte[] readCommit(Path dir) throws IOException {
        Path file = dir.resolve(commitFile);
        String problem = FileChecks.problem(file);
        if (FileChecks.MISSING.equals(problem)) {
            throw errors.create(file, dir + " is not a " + what + ": " + commitFile + " is missing");
        }
        long size = FileChecks.requireRegularFile(file, "a " + what + "'s " + commitFile, errors);
        if (size > JsonFiles.MAX_BYTES) {
            throw errors.create(file, file + " has " + size + " bytes, more than a " + commitFile + " may have");
        }
        return Files.readAllBytes(file);
    }

    /** The commit file's content, or null if there is none or it cannot be read now. */
    private byte[] committed(Path dir) {
        try {
            return Files.isRegularFile(dir.resolve(commitFile)) ? readCommit(dir) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private boolean ours(String entry) {
        return entry.equals(LOCK_FILE) || legacy.contains(entry) || generation(entry) > 0
                || AtomicFiles.isTemporaryOf(entry, commitFile);
    }

    /** The generation of an entry this format writes, or 0 if it is not one. */
    private long generation(String entry) {
        Matcher m = GENERATION.matcher(entry);
        return m.matches() && stems.contains(m.group(1)) ? Long.parseLong(m.group(2)) : 0;
    }

    /** Removes this format's entries that {@code keep} does not name, and abandoned temporary files. */
    private void removeUnreferenced(Path dir, List<String> entries, Set<String> keep) {
        for (String e : entries) {
            if (!keep.contains(e) && (legacy.contains(e) || generation(e) > 0)) {
                try {
                    AtomicFiles.deleteTree(dir.resolve(e));
                } catch (IOException ex) {
                    // still open elsewhere (Windows) or already gone: the next save tries again
                }
            }
        }
        AtomicFiles.removeLeftovers(dir, commitFile);
    }

    private static List<String> list(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        return names;
    }
}
