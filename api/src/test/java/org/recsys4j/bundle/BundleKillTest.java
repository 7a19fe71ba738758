package org.recsys4j.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.testing.ChildJvm;

/**
 * A process saving bundles in a loop, killed (as {@code kill -9} does) at random moments 50 times,
 * leaves the bundle it replaced or the one it wrote, never a broken one; the next save removes what
 * the killed ones left. Starting the JVMs is most of the time: two lanes of 25 kills run side by
 * side, and the children map a class-data archive of what they load.
 */
class BundleKillTest {
    private static final int LANES = 2;
    private static final int KILLS_PER_LANE = 25;

    @TempDir
    Path tmp;

    @Test
    @Timeout(600) // a hang guard only: 50 JVM start-ups take from half a minute (idle) to minutes (busy)
    void aKilledSaveLeavesTheOldOrTheNewBundle() throws Exception {
        ExecutorService lanes = Executors.newFixedThreadPool(LANES);
        try {
            Path work = Files.createDirectory(tmp.resolve("jvm"));
            Path warmUp = work.resolve("warm-up");
            BundleIO.save(BundleSamples.sample(1), warmUp);
            ChildJvm jvm = ChildJvm.prepare(work, SaveLoop.class.getName(), warmUp.toString(), "once");
            List<Future<Integer>> done = new ArrayList<>();
            for (int lane = 0; lane < LANES; lane++) {
                Path dir = tmp.resolve("model-" + lane);
                long seed = lane;
                done.add(lanes.submit(() -> killRepeatedly(jvm, dir, new Random(seed))));
            }
            int kills = 0;
            for (Future<Integer> f : done) {
                kills += f.get();
            }
            assertEquals(LANES * KILLS_PER_LANE, kills);
            assertEquals(Set.of("jvm", "model-0", "model-1"), BundleCommitTest.names(tmp),
                    "nothing left beside the bundles");
        } finally {
            lanes.shutdownNow();
        }
    }

    private static int killRepeatedly(ChildJvm jvm, Path dir, Random random) throws Exception {
        List<Object> versions = List.of(BundleSamples.content(BundleSamples.sample(1)),
                BundleSamples.content(BundleSamples.sample(2)));
        long start = System.nanoTime();
        BundleIO.save(BundleSamples.sample(1), dir);
        // kills land anywhere in the child's first two saves, however long a save takes here
        int window = (int) Math.max(2, 2 * (System.nanoTime() - start) / 1_000_000);
        for (int kill = 0; kill < KILLS_PER_LANE; kill++) {
            Process child = jvm.start(SaveLoop.class.getName(), dir.toString());
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8));
                assertEquals("ready", out.readLine(), "the saving process did not start");
                Thread.sleep(random.nextInt(window));
            } finally {
                child.destroyForcibly();
                child.waitFor();
            }
            Object loaded = BundleSamples.content(BundleIO.load(dir));
            assertTrue(versions.contains(loaded), dir + ": after kill " + kill + " the bundle is neither version");
        }
        BundleIO.save(BundleSamples.sample(2), dir);
        Set<String> names = BundleCommitTest.names(dir);
        assertTrue(names.size() <= 4, "what the kills left is removed: " + names);
        return KILLS_PER_LANE;
    }
}
