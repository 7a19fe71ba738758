package org.recsys4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's peak resident memory, as the kernel counts it (Linux's VmHWM); what a 6 GB goal is about. */
public final class PeakMemory {
    private PeakMemory() {
    }

    /** The peak resident set in bytes, or -1 where the system does not say (not Linux). */
    public static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] f = line.substring("VmHWM:".length()).trim().split("\\s+");
                    return Long.parseLong(f[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Starts the peak over from the present resident set (Linux: {@code 5} into
     * {@code /proc/self/clear_refs}), so that one phase's peak can be read on its own; false where
     * the system does not allow it, and the peak then stays the process's.
     */
    public static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
