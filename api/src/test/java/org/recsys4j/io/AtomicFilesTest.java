package org.recsys4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path tmp;

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
        Path file = tmp.resolve("report.json");
        AtomicFiles.write(file, "old".getBytes());
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(file, out -> {
            out.write("half of the new".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old", Files.readString(file));
        assertEquals(List.of("report.json"), names(tmp));
    }

    @Test
    void aNewDirectoryAppearsWholeOrNotAtAll() throws IOException {
        Path target = tmp.resolve("7");
        assertThrows(IOException.class, () -> AtomicFiles.writeNewDirectory(target, dir -> {
            Files.writeString(dir.resolve("saved_model.pb"), "x");
            throw new IOException("killed half way");
        }));
        assertEquals(List.of(), names(tmp));
        AtomicFiles.writeNewDirectory(target, dir -> Files.writeString(dir.resolve("saved_model.pb"), "x"));
        assertEquals(List.of("saved_model.pb"), names(target));
        FileAlreadyExistsException exists = assertThrows(FileAlreadyExistsException.class,
                () -> AtomicFiles.writeNewDirectory(target, dir -> { }));
        assertTrue(exists.getMessage().contains("exists already"), exists.getMessage());
    }

    @Test
    void leftoversOfDeadProcessesGoThoseOfLiveOnesStay() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long live = ProcessHandle.current().parent().map(ProcessHandle::pid).orElseThrow();
        Files.writeString(tmp.resolve(".report.json.tmp-" + gone.pid() + "-abc"), "killed");
        Files.createDirectories(tmp.resolve(".report.json.writing-" + gone.pid() + "-def"));
        Files.writeString(tmp.resolve(".report.json.tmp-" + live + "-ghi"), "being written");
        Files.writeString(tmp.resolve(".other.json.tmp-" + gone.pid() + "-jkl"), "another file's");
        AtomicFiles.write(tmp.resolve("report.json"), "new".getBytes());
        assertEquals(List.of(".other.json.tmp-" + gone.pid() + "-jkl", ".report.json.tmp-" + live + "-ghi",
                "report.json"), names(tmp));
        AtomicFiles.removeLeftovers(tmp);
        assertFalse(names(tmp).contains(".other.json.tmp-" + gone.pid() + "-jkl"));
    }

    @Test
    void filesAndDirectoriesGetThePermissionsTheUmaskGives() throws IOException {
        Path reference = Files.createFile(tmp.resolve("reference"));
        Path referenceDir = Files.createDirectory(tmp.resolve("reference-dir"));
        Path report = tmp.resolve("report.json");
        AtomicFiles.write(report, "{}".getBytes());
        Path version = AtomicFiles.writeNewDirectory(tmp.resolve("1"),
                dir -> Files.writeString(dir.resolve("saved_model.pb"), "x"));
        assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(report));
        assertEquals(Files.getPosixFilePermissions(referenceDir), Files.getPosixFilePermissions(version));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
