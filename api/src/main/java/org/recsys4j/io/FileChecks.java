package org.recsys4j.io;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks that a path a format names is a regular file before it is opened, and says what it is
 * when it is not: a directory, a named pipe (which would block a read forever), a socket, a device,
 * a dangling symbolic link or a loop of them, each named as such rather than "missing".
 */
public final class FileChecks {
    /** What {@link #problem} says of a path with nothing there. */
    public static final String MISSING = "is missing";
    /** Links followed before a chain counts as a loop, as Linux's own limit. */
    private static final int MAX_LINKS = 40;

    private FileChecks() {
    }

    /**
     * Returns the size of {@code file} if it is a regular file (following symbolic links); else
     * throws {@code errors}' exception saying what it is instead.
     *
     * @param what what the file should hold, for the message, e.g. "the bundle's weights"
     */
    public static long requireRegularFile(Path file, String what, FormatException.Factory errors)
            throws FormatException {
        String problem = problem(file);
        if (problem != null) {
            throw errors.create(file, file + " " + problem + "; expected " + what);
        }
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw errors.create(file, file + " cannot be read: " + e.getMessage() + "; expected " + what, e);
        }
    }

    /** What is wrong with {@code file} as a regular file ("is a directory", ...), or null if nothing. */
    public static String problem(Path file) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            if (Files.isSymbolicLink(file)) {
                return "is a symbolic link to " + target(file) + ", which does not exist";
            }
            return MISSING;
        } catch (FileSystemException e) {
            if (loops(file)) {
                return "is a symbolic link that leads back to itself (a loop of links)";
            }
            return "cannot be read (" + e.getReason() + ")";
        } catch (IOException e) {
            return "cannot be read (" + e.getMessage() + ")";
        }
        if (attributes.isRegularFile()) {
            return null;
        }
        if (attributes.isDirectory()) {
            return "is a directory, not a file";
        }
        return "is " + special(file) + ", not a regular file";
    }

    /** Says what a non-file, non-directory entry is, from its Unix mode where the platform has one. */
    private static String special(Path file) {
        try {
            int type = ((Integer) Files.getAttribute(file, "unix:mode")) & 0170000;
            return switch (type) {
                case 0010000 -> "a named pipe (FIFO)";
                case 0140000 -> "a socket";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                default -> "a special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "a special file";
        }
    }

    /** Follows the chain of links from {@code file} without the file system's help. */
    private static boolean loops(Path file) {
        Set<Path> seen = new HashSet<>();
        Path p = file.toAbsolutePath().normalize();
        for (int i = 0; i < MAX_LINKS; i++) {
            if (!Files.isSymbolicLink(p)) {
                return false;
            }
            if (!seen.add(p)) {
                return true;
            }
            try {
                p = p.resolveSibling(Files.readSymbolicLink(p)).normalize();
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private static String target(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "an unreadable target";
        }
    }

    /** Whether there is anything at all at {@code path}, a dangling link included. */
    public static boolean anythingAt(Path path) {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    }
}
