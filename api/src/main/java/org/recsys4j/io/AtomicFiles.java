package org.recsys4j.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whole-or-nothing writes: a file or a directory is written under a temporary name beside its
 * target, forced to disk, and renamed into place, so a reader sees the old version or the new one,
 * never a part. Temporary names carry the writer's process id ({@code .NAME.tmp-PID-RANDOM},
 * {@code .NAME.writing-PID-RANDOM}); the next write to the same target removes those of processes
 * no longer running, which is what a kill leaves behind.
 *
 * <p>New files and directories get the default permissions, which follow the umask, rather than
 * the owner-only ones of {@code Files.createTempFile}.
 */
public final class AtomicFiles {
    private static final Pattern TEMPORARY = Pattern.compile("\\.(.+)\\.(tmp|writing)-(\\d+)-[0-9a-z]+");
    private static final long PID = ProcessHandle.current().pid();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** This process's temporary paths still being written, which a cleanup must leave alone. */
    private static final Set<Path> IN_PROGRESS = ConcurrentHashMap.newKeySet();

    private AtomicFiles() {
    }

    /** Writes a file's content to a stream it need not close. */
    @FunctionalInterface
    public interface Content {
        /** Writes the file's bytes to {@code out}. */
        void writeTo(OutputStream out) throws IOException;
    }

    /** Fills a fresh, empty directory. */
    @FunctionalInterface
    public interface DirectoryContent {
        /** Fills {@code dir}, which exists and is empty. */
        void writeInto(Path dir) throws IOException;
    }

    /** Replaces {@code target} with {@code bytes}, atomically. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * Writes {@code content} to a temporary file beside {@code target}, forces it to disk and
     * renames it over {@code target}; the parent directory is created if needed.
     */
    public static void write(Path target, Content content) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        removeLeftovers(parent, abs.getFileName().toString());
        Path tmp = temporary(parent, abs.getFileName().toString(), "tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream buffered = new BufferedOutputStream(new FilterOutputStream(Channels.newOutputStream(ch)) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() {
                        // the channel is closed below, after it is forced to disk
                    }
                }, 1 << 16);
                content.writeTo(buffered);
                buffered.flush();
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(parent);
        } finally {
            Files.deleteIfExists(tmp);
            IN_PROGRESS.remove(tmp);
        }
    }

    /**
     * Creates the directory {@code target}, which must not exist, whole: {@code content} fills a
     * staging directory beside it, which is forced to disk and renamed to {@code target}. A reader
     * (TensorFlow Serving polling for versions, say) never sees it partly written.
     */
    public static Path writeNewDirectory(Path target, DirectoryContent content) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        removeLeftovers(parent, abs.getFileName().toString());
        if (FileChecks.anythingAt(abs)) {
            throw new FileAlreadyExistsException(abs.toString(), null, "it exists already; write to a new name");
        }
        Path staging = temporary(parent, abs.getFileName().toString(), "writing");
        try {
            Files.createDirectory(staging);
            content.writeInto(staging);
            fsyncTree(staging);
            if (FileChecks.anythingAt(abs)) { // a rename would replace an empty directory that appeared meanwhile
                throw new FileAlreadyExistsException(abs.toString(), null, "it appeared while this was written");
            }
            Files.move(staging, abs, StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(parent);
            return abs;
        } finally {
            deleteTree(staging);
            IN_PROGRESS.remove(staging);
        }
    }

    /** A fresh temporary name for {@code name} in {@code dir}, registered as in progress. */
    static Path temporary(Path dir, String name, String kind) {
        String random = Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
        Path p = dir.resolve("." + name + "." + kind + "-" + PID + "-" + random);
        IN_PROGRESS.add(p);
        return p;
    }

    /** Whether {@code fileName} is a temporary name of this class for {@code name}. */
    static boolean isTemporaryOf(String fileName, String name) {
        Matcher m = TEMPORARY.matcher(fileName);
        return m.matches() && m.group(1).equals(name);
    }

    /**
     * Removes what killed writes of {@code name} left in {@code dir}: temporary files and staging
     * directories of processes that are no longer running. Best effort: what cannot be removed now
     * is tried again next time.
     */
    public static void removeLeftovers(Path dir, String name) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "." + glob(name) + ".*-*-*")) {
            for (Path p : entries) {
                Matcher m = TEMPORARY.matcher(p.getFileName().toString());
                if (m.matches() && m.group(1).equals(name) && abandoned(p, Long.parseLong(m.group(3)))) {
                    deleteTree(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // a leftover that cannot be listed or removed now is removed by a later write
        }
    }

    /**
     * Removes what killed writes of any name left in {@code dir}, a directory whose entries are all
     * written here (a SavedModel base directory, say).
     */
    public static void removeLeftovers(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".*.*-*-*")) {
            for (Path p : entries) {
                Matcher m = TEMPORARY.matcher(p.getFileName().toString());
                if (m.matches() && abandoned(p, Long.parseLong(m.group(3)))) {
                    deleteTree(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // removed by a later write
        }
    }

    private static boolean abandoned(Path p, long pid) {
        if (pid == PID) {
            return !IN_PROGRESS.contains(p);
        }
        return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }

    private static String glob(String name) {
        return name.replaceAll("([\\[\\]{}*?\\\\,])", "\\\\$1");
    }

    /** Forces a file's content to disk. */
    public static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /**
     * Forces a directory's entries (a rename into it) to disk. Some platforms (Windows) cannot open
     * a directory for that; there the rename is as durable as the file system makes it.
     */
    public static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not supported here: nothing more to do
        }
    }

    /** Forces every file and directory under {@code root} to disk. */
    public static void fsyncTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    fsync(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                fsyncDirectory(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes a file, or a directory and everything under it; nothing there is fine. */
    public static void deleteTree(Path root) throws IOException {
        if (!FileChecks.anythingAt(root)) {
            return;
        }
        if (!Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(root);
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (exc != null && !(exc instanceof NoSuchFileException)) {
                    throw exc;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
