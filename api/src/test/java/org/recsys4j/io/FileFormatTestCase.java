package org.recsys4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every file format recsys4j writes must do, as Lucene's {@code BaseIndexFileFormatTestCase}
 * asks of every codec: read back what it wrote; name the file and say what is wrong when a file is
 * missing, empty, damaged, a directory, a named pipe, a dangling link or a loop of links, of a newer
 * or a too-old version, or (JSON) beyond the parser's limits, empty or a list; and write whole,
 * leaving no temporary files, with the permissions the umask gives. A format gets all of it by
 * subclassing and saying how to write, read and find its files.
 */
public abstract class FileFormatTestCase {
    @TempDir
    protected Path tmp;

    /** Writes sample {@code variant} (0 or 1, different content) to {@code target}, replacing what is there. */
    protected abstract void write(Path target, int variant) throws IOException;

    /** Reads what is at {@code target}, as a value that equals for equal content. */
    protected abstract Object read(Path target) throws IOException;

    /** The files a read of {@code target} opens, each of which must be checked. */
    protected abstract List<Path> files(Path target) throws IOException;

    /** Of {@link #files}, those whose every byte a checksum covers. */
    protected abstract List<Path> checksummed(Path target) throws IOException;

    /** The format's header: its name and the versions read. */
    protected abstract FormatHeader header();

    /** The JSON file holding the header, or null if the header lives elsewhere. */
    protected abstract Path headerFile(Path target) throws IOException;

    /** Records {@code version} in the header (the JSON header file, unless a format overrides this). */
    protected void setVersion(Path target, int version) throws IOException {
        Path file = headerFile(target);
        ObjectNode root = (ObjectNode) JsonFiles.MAPPER.readTree(file.toFile());
        root.put(FormatHeader.VERSION_FIELD, version);
        Files.write(file, JsonFiles.MAPPER.writeValueAsBytes(root));
    }

    /** Where samples are written; a subclass may put it inside something else. */
    protected Path target() {
        return tmp.resolve("written");
    }

    private Path written(int variant) throws IOException {
        Path target = target();
        write(target, variant);
        return target;
    }

    /** The failure reading {@code target}: a format exception whose message names {@code file}. */
    protected FormatException readError(Path target, Path file) {
        FormatException e = assertThrows(FormatException.class, () -> read(target), "reading with " + file + " broken");
        assertTrue(e.getMessage().contains(file.getFileName().toString()), "the message names the file: "
                + e.getMessage());
        return e;
    }

    @Test
    void readsBackWhatItWrote() throws IOException {
        Object first = read(written(0));
        Object second = read(written(1));
        assertFalse(first.equals(second), "the two samples differ");
        assertEquals(second, read(target()));
        assertEquals(first, read(written(0)), "written over again");
    }

    @Test
    void aMissingFileIsNamed() throws IOException {
        Path target = written(0);
        for (Path file : files(target)) {
            byte[] kept = Files.readAllBytes(file);
            Files.delete(file);
            IOException e = assertThrows(IOException.class, () -> read(target));
            assertTrue(e.getMessage().contains(file.getFileName().toString())
                    || e instanceof java.nio.file.NoSuchFileException n && n.getFile().contains(file.toString()),
                    e.getMessage());
            Files.write(file, kept);
        }
        read(target);
    }

    @Test
    void anEmptyFileIsNamed() throws IOException {
        Path target = written(0);
        for (Path file : files(target)) {
            byte[] kept = Files.readAllBytes(file);
            Files.write(file, new byte[0]);
            readError(target, file);
            Files.write(file, kept);
        }
    }

    @Test
    void aFlippedByteIsCaught() throws IOException {
        Path target = written(0);
        for (Path file : checksummed(target)) {
            byte[] kept = Files.readAllBytes(file);
            for (int at : new int[] {kept.length - 1, kept.length / 2}) {
                byte[] damaged = kept.clone();
                damaged[at] ^= 0x04;
                Files.write(file, damaged);
                readError(target, file);
            }
            Files.write(file, kept);
        }
    }

    @Test
    void aDirectoryWhereAFileShouldBeIsSaidToBeOne() throws IOException {
        replaceEachFile((target, file) -> Files.createDirectory(file), "is a directory");
    }

    @Test
    void aNamedPipeWhereAFileShouldBeIsSaidToBeOne() throws IOException {
        assumeTrue(mkfifo(tmp.resolve("probe")), "this system cannot make named pipes");
        replaceEachFile((target, file) -> assertTrue(mkfifo(file)), "named pipe (FIFO)");
    }

    @Test
    void aLoopOfLinksWhereAFileShouldBeIsSaidToBeOne() throws IOException {
        assumeTrue(canLink(), "this system cannot make symbolic links");
        replaceEachFile((target, file) -> {
            Path other = file.resolveSibling(file.getFileName() + ".other");
            Files.createSymbolicLink(file, other.getFileName());
            Files.createSymbolicLink(other, file.getFileName());
        }, "loop of links");
    }

    @Test
    void aDanglingLinkWhereAFileShouldBeIsSaidToBeOne() throws IOException {
        assumeTrue(canLink(), "this system cannot make symbolic links");
        replaceEachFile((target, file) -> Files.createSymbolicLink(file, Path.of("nowhere")), "which does not exist");
    }

    @Test
    void aNewerVersionIsToldApartFromATooOldOne() throws IOException {
        Path target = written(0);
        Path file = headerFile(target) != null ? headerFile(target) : files(target).get(0);
        setVersion(target, header().newest() + 1);
        FormatException newer = readError(target, file);
        assertInstanceOf(FormatTooNewException.class, newer);
        assertTrue(newer.getMessage().contains("written by a newer recsys4j (" + header().name() + " format "
                + (header().newest() + 1) + ", this build reads up to " + header().newest() + ")"), newer.getMessage());
        setVersion(target, header().oldest() - 1);
        FormatException older = readError(target, file);
        assertInstanceOf(FormatTooOldException.class, older);
        assertTrue(older.getMessage().contains("too old"), older.getMessage());
        setVersion(target, header().newest());
        read(target);
    }

    @Test
    void jsonBeyondTheParserLimitsIsNamedNotAStackTrace() throws IOException {
        Path target = written(0);
        Path file = headerFile(target);
        assumeTrue(file != null, "no JSON header");
        String deep = "{\"a\":".repeat(2000) + "1" + "}".repeat(2000);
        Files.writeString(file, deep);
        assertTrue(readError(target, file).getMessage().contains("beyond what recsys4j reads"));
        String wide = "{\"format\": \"" + "x".repeat(21_000_000) + "\"}";
        Files.writeString(file, wide);
        FormatException e = readError(target, file);
        assertTrue(e.getMessage().contains("beyond what recsys4j reads"), e.getMessage());
        assertTrue(e.getMessage().length() < 1000, "the message stays short: " + e.getMessage().length());
    }

    @Test
    void emptyAndListJsonAreSaidToBeSo() throws IOException {
        Path target = written(0);
        Path file = headerFile(target);
        assumeTrue(file != null, "no JSON header");
        Files.writeString(file, "  \n");
        assertTrue(readError(target, file).getMessage().contains("is empty"));
        Files.writeString(file, "[]");
        assertTrue(readError(target, file).getMessage().contains("holds a JSON list ([]), not an object"));
        Files.writeString(file, "{}");
        assertTrue(readError(target, file).getMessage().contains("'format' is missing"));
    }

    @Test
    void writesLeaveNoTemporariesAndFollowTheUmask() throws IOException {
        write(target(), 0);
        write(target(), 1);
        Path reference = Files.createDirectory(tmp.resolve("umask-reference"));
        Path referenceFile = Files.createFile(reference.resolve("file"));
        Set<PosixFilePermission> dirPermissions = permissions(reference);
        Set<PosixFilePermission> filePermissions = permissions(referenceFile);
        assumeTrue(dirPermissions != null, "no POSIX permissions here");
        try (Stream<Path> all = Files.walk(tmp)) {
            for (Path p : all.filter(p -> !p.startsWith(reference) && !p.equals(tmp)).toList()) {
                String name = p.getFileName().toString();
                assertFalse(name.matches("\\..*\\.(tmp|writing|old)-.*"), "left behind: " + p);
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    assertEquals(dirPermissions, permissions(p), p.toString());
                } else if (!name.equals(CommitDirectory.LOCK_FILE)) {
                    assertEquals(filePermissions, permissions(p), p.toString());
                }
            }
        }
    }

    private interface Damage {
        void apply(Path target, Path file) throws IOException;
    }

    private void replaceEachFile(Damage damage, String expected) throws IOException {
        Path target = written(0);
        for (Path file : files(target)) {
            Path aside = tmp.resolve("aside");
            Files.move(file, aside);
            damage.apply(target, file);
            String message = readError(target, file).getMessage();
            assertTrue(message.contains(expected), "expected '" + expected + "' in: " + message);
            for (Path p : new Path[] {file, file.resolveSibling(file.getFileName() + ".other")}) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(p);
                } else {
                    Files.deleteIfExists(p);
                }
            }
            Files.move(aside, file);
        }
        assertNotNull(read(target));
    }

    private static Set<PosixFilePermission> permissions(Path p) throws IOException {
        try {
            return Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException e) {
            return null;
        }
    }

    private static boolean mkfifo(Path path) {
        try {
            Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean canLink() {
        try {
            Path link = Files.createSymbolicLink(tmp.resolve("probe-link"), Path.of("x"));
            Files.delete(link);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Text of a file, for tests that edit one. */
    protected static String text(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }
}
