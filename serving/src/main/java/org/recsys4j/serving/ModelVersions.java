package org.recsys4j.serving;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versions of one model, as TF Serving's file-system source and "latest" version policy keep
 * them: {@code DIR/<n>/} holds version n; the newest version that loads is served. A poll (every
 * {@code --poll-seconds}) looks for a newer one, loads it beside the one serving, and swaps it in
 * with one atomic write, so a request sees either version whole and never waits for a load; the
 * old one is released after (dropped, for the garbage collector: it holds no native memory).
 *
 * <p>A version that fails to load is refused with its reason in the version status and the log,
 * and the serving version stays. It is tried again only once its files change (a version copied
 * in by hand may be incomplete at the first look). Only directories named by digits are versions,
 * so the staging directories of an atomic write ({@code .3.writing-*}) are never read.
 */
final class ModelVersions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelVersions.class);
    private static final Pattern VERSION = Pattern.compile("[0-9]{1,18}");

    private final String name;
    private final Path dir;
    private final Path seenFile;
    private final AtomicReference<Servable> serving = new AtomicReference<>();
    private final Map<Long, VersionStatus> statuses = new ConcurrentSkipListMap<>(Comparator.reverseOrder());
    /** Refused versions and the state of their files when refused. */
    private final Map<Long, String> refused = new ConcurrentSkipListMap<>();
    private final Consumer<Servable> onSwap;
    private ScheduledExecutorService poller;

    ModelVersions(String name, Path dir, Path seenFile, Consumer<Servable> onSwap) {
        this.name = name;
        this.dir = dir;
        this.seenFile = seenFile;
        this.onSwap = onSwap;
    }

    String name() {
        return name;
    }

    /** The version serving now, or null before the first load. */
    Servable current() {
        return serving.get();
    }

    /** Every version seen, newest first. */
    List<VersionStatus> statuses() {
        return new ArrayList<>(statuses.values());
    }

    VersionStatus status(long version) {
        return statuses.get(version);
    }

    /** Polls every {@code seconds} on a daemon thread (0: load once, never poll). */
    void start(double seconds) {
        poll();
        if (seconds > 0) {
            poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "recsys4j-serving-poll");
                t.setDaemon(true);
                return t;
            });
            long millis = Math.max(1, Math.round(seconds * 1000));
            poller.scheduleWithFixedDelay(this::pollQuietly, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.error("polling {} failed", dir, e);
        }
    }

    /**
     * One look at DIR: load the newest version above the serving one that loads, trying older ones
     * (still above it) when the newest is refused. Synchronised: one load at a time.
     */
    synchronized void poll() {
        Servable now = serving.get();
        long floor = now == null ? -1 : now.version;
        for (long v : versionsOnDisk()) {
            if (v <= floor) {
                break;
            }
            Path versionDir = dir.resolve(Long.toString(v));
            String fingerprint = fingerprint(versionDir);
            if (fingerprint.equals(refused.get(v))) {
                continue;
            }
            statuses.put(v, VersionStatus.loading(v));
            long start = System.nanoTime();
            try {
                Servable loaded = Servable.load(v, versionDir, seenFile);
                int warmUps = loaded.warmUp();
                refused.remove(v);
                Servable old = serving.getAndSet(loaded);
                statuses.put(v, VersionStatus.available(v));
                onSwap.accept(loaded);
                LOG.info("model {} version {} is serving ({} candidates, {} index, loaded and warmed up with {}"
                        + " searches in {} ms){}", name, v, loaded.candidates(), loaded.indexKind, warmUps,
                        (System.nanoTime() - start) / 1_000_000,
                        old == null ? "" : "; version " + old.version + " unloaded");
                if (old != null) {
                    statuses.put(old.version, VersionStatus.ended(old.version));
                }
                return;
            } catch (IOException | RuntimeException e) {
                String reason = e.getMessage() == null ? e.toString() : e.getMessage();
                refused.put(v, fingerprint);
                statuses.put(v, VersionStatus.failed(v, reason));
                LOG.warn("model {} version {} refused: {}{}", name, v, reason,
                        now == null ? "" : "; version " + now.version + " keeps serving");
            }
        }
    }

    /** Version numbers under DIR, newest first. */
    private List<Long> versionsOnDisk() {
        List<Long> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String n = p.getFileName().toString();
                if (VERSION.matcher(n).matches() && Files.isDirectory(p)) {
                    out.add(Long.parseLong(n));
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", dir, e.toString());
        }
        out.sort(Comparator.reverseOrder());
        return out;
    }

    /** Names, sizes and modification times of a version's files: a refused version changes when this does. */
    private static String fingerprint(Path versionDir) {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.walk(versionDir)) {
            files.sorted().forEach(p -> {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    sb.append(versionDir.relativize(p)).append(' ').append(a.size()).append(' ')
                            .append(a.lastModifiedTime().toMillis()).append('\n');
                } catch (IOException e) {
                    sb.append(p).append(" ?\n");
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            sb.append("unreadable");
        }
        return sb.toString();
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}
