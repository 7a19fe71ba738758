package org.recsys4j.bundle;

import java.nio.file.Path;

/**
 * Saves two bundles in turn into {@code args[0]} until killed; {@link BundleKillTest} runs it.
 * With a second argument {@code once} it saves once and exits (the class-data archive's warm-up).
 */
public final class SaveLoop {
    private SaveLoop() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        ModelBundle[] bundles = {BundleSamples.sample(1), BundleSamples.sample(2)};
        BundleIO.load(dir); // classes loaded: the kills land in saves, not in start-up
        if (args.length > 1 && args[1].equals("once")) {
            BundleIO.save(bundles[0], dir);
            return;
        }
        System.out.println("ready");
        System.out.flush();
        for (int i = 0; ; i++) {
            BundleIO.save(bundles[i % 2], dir);
        }
    }
}
