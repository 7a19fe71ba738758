package org.recsys4j.onnx;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.recsys4j.io.AtomicFiles;

/**
 * Removes the directory ONNX Runtime's Java loader (1.24) extracts its native libraries into, an
 * {@code onnxruntime-java*} directory in {@code java.io.tmpdir}, when the JVM exits. The loader
 * asks {@code File.deleteOnExit} to remove the libraries and then the directory; that hook deletes
 * in reverse order, the still-full directory first, so every JVM left an empty directory behind.
 * A shutdown hook runs before that one: it deletes the libraries (Linux and macOS allow it while
 * they are loaded) and the directory. Where deleting a loaded library fails (Windows), what is left
 * is what the loader would have left.
 */
final class OrtTemporaryFiles {
    private static final AtomicBoolean REGISTERED = new AtomicBoolean();

    private OrtTemporaryFiles() {
    }

    /** Registers the cleanup once, after ONNX Runtime has been loaded. */
    static void removeAtExit() {
        if (!REGISTERED.compareAndSet(false, true)) {
            return;
        }
        Path dir = extractionDirectory();
        if (dir == null) {
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                AtomicFiles.deleteTree(dir);
            } catch (IOException e) {
                // a library the platform keeps locked: left as the loader would leave it
            }
        }, "recsys4j-onnxruntime-cleanup"));
    }

    /** The loader's directory, from its private field; null if this ONNX Runtime has none or hides it. */
    private static Path extractionDirectory() {
        try {
            Field f = Class.forName("ai.onnxruntime.OnnxRuntime").getDeclaredField("tempDirectory");
            f.setAccessible(true);
            return f.get(null) instanceof Path p ? p : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // another ONNX Runtime version, or a module that does not open the package
        }
    }
}
