package org.recsys4j.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * Starts child JVMs on this test's class path, many times and cheaply: the class path's directories
 * are packed into jars once, so that a class-data-sharing archive of everything a first run loads
 * can be made and mapped by every later child (about 40% less start-up CPU here). Where an archive
 * cannot be made, children start without one.
 */
public final class ChildJvm {
    private final List<String> prefix;

    private ChildJvm(List<String> prefix) {
        this.prefix = prefix;
    }

    /**
     * Prepares children in {@code workDir}; {@code warmUp} is a main class and its arguments whose
     * run loads what the children will load, and must exit normally.
     */
    public static ChildJvm prepare(Path workDir, String... warmUp) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> base = List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m");
        String classPath = jarredClassPath(workDir);
        Path archive = workDir.resolve("classes.jsa");
        List<String> dump = new ArrayList<>(base);
        dump.addAll(List.of("-XX:ArchiveClassesAtExit=" + archive, "-cp", classPath));
        dump.addAll(List.of(warmUp));
        Process p = new ProcessBuilder(dump).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        List<String> prefix = new ArrayList<>(base);
        if (p.waitFor() == 0 && Files.isRegularFile(archive)) {
            prefix.add("-XX:SharedArchiveFile=" + archive);
        }
        prefix.addAll(List.of("-cp", classPath));
        return new ChildJvm(List.copyOf(prefix));
    }

    /** Starts {@code mainClass} with {@code args}, standard error joined to standard output. */
    public Process start(String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(mainClass);
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** This JVM's class path with every directory packed into a jar (archives need jars). */
    private static String jarredClassPath(Path workDir) throws IOException {
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) {
                Path jar = workDir.resolve("classpath-" + n++ + ".jar");
                jar(p, jar);
                entries.add(jar.toString());
            } else if (!entry.isEmpty()) {
                entries.add(entry);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static void jar(Path dir, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    j.putNextEntry(new JarEntry(dir.relativize(file).toString().replace('\\', '/')));
                    Files.copy(file, j);
                    j.closeEntry();
                    return FileVisitResult.CONTINUE;
                }
            });
        }
    }
}
