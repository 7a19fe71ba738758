package org.recsys4j.split;

/**
 * The order in which TensorFlow's {@code tf.data.Dataset.shuffle(buffer_size, seed)} yields the
 * elements 0..n-1 of a dataset, computed in plain Java so that a split made in Python by
 * {@code shuffle} then {@code take}/{@code skip} (the TFRS tutorials' split) is reproduced row for
 * row on every backend.
 *
 * <p>What TensorFlow does, and this class repeats: the random numbers come from Philox4x32-10
 * ({@code random::PhiloxRandom(seed, seed2)}: the key from {@code seed}, the counter's upper half
 * from {@code seed2}), taken one 32-bit word at a time ({@code SingleSampleAdapter}). The shuffle
 * keeps a buffer of up to {@code bufferSize} elements, filled in input order; each output picks
 * offset {@code r % size} in the buffered range, yields that element and swaps the range's first
 * element into its place (a forward Fisher-Yates when the buffer holds everything). With
 * {@code reshuffle_each_iteration=False} the iteration uses (seed, seed2) as given; with
 * {@code True}, its first iteration uses two words drawn from a Philox stream of (seed, seed2)
 * ({@code RandomSeedGenerator}). The Python seeds are {@code tf.random.get_seed}'s: after
 * {@code tf.random.set_seed(g)}, a shuffle given {@code seed=s} runs with (g, s), each reduced
 * modulo 2^31 - 1 ({@link #pythonSeeds}). TensorFlow's own kernel gives the same order
 * ({@code TfDataShuffleKernelTest} in the TensorFlow backend).
 */
public final class TfDataShuffle {
    private static final long MAX_INT32 = Integer.MAX_VALUE;

    private TfDataShuffle() {
    }

    /**
     * The element order of one iteration of {@code range(n).shuffle(bufferSize)} with the kernel
     * seeds (seed, seed2) and {@code reshuffle_each_iteration=False}.
     */
    public static int[] order(int n, long bufferSize, long seed, long seed2) {
        if (n < 0 || bufferSize < 1) {
            throw new IllegalArgumentException("need n >= 0 and a buffer of at least 1, got n " + n + ", buffer "
                    + bufferSize);
        }
        Philox random = new Philox(seed, seed2);
        int capacity = (int) Math.min(bufferSize, Math.max(n, 1));
        int[] buffer = new int[capacity];
        int[] out = new int[n];
        long start = 0;
        long end = 0;
        int next = 0;
        for (int k = 0; k < n; k++) {
            while (next < n && end - start < capacity) {
                buffer[(int) (end % capacity)] = next++;
                end++;
            }
            long offset = Integer.toUnsignedLong(random.next()) % (end - start);
            int index = (int) ((start + offset) % capacity);
            int first = (int) (start % capacity);
            out[k] = buffer[index];
            buffer[index] = buffer[first];
            start++;
        }
        return out;
    }

    /**
     * The first iteration of a shuffle with {@code reshuffle_each_iteration=True} (Python's
     * default): the same as {@link #order} with seeds drawn from a Philox stream of (seed, seed2).
     */
    public static int[] firstReshuffledOrder(int n, long bufferSize, long seed, long seed2) {
        Philox seeds = new Philox(seed, seed2);
        long s1 = Integer.toUnsignedLong(seeds.next());
        long s2 = Integer.toUnsignedLong(seeds.next());
        return order(n, bufferSize, s1, s2);
    }

    /**
     * The kernel seeds of {@code shuffle(..., seed=opSeed)} after {@code tf.random.set_seed(globalSeed)}:
     * {@code tf.random.get_seed}'s pair, each modulo 2^31 - 1, and (0, 2^31 - 1) instead of (0, 0).
     */
    public static long[] pythonSeeds(long globalSeed, long opSeed) {
        long a = Math.floorMod(globalSeed, MAX_INT32);
        long b = Math.floorMod(opSeed, MAX_INT32);
        return a == 0 && b == 0 ? new long[] {0, MAX_INT32} : new long[] {a, b};
    }

    /** TensorFlow's {@code PhiloxRandom} (4x32, 10 rounds) read one word at a time. */
    static final class Philox {
        private static final int W32A = 0x9E3779B9;
        private static final int W32B = 0xBB67AE85;
        private static final long M4X32A = 0xD2511F53L;
        private static final long M4X32B = 0xCD9E8D57L;
        private final int[] key;
        private final int[] counter;
        private final int[] block = new int[4];
        private int used = 4;

        Philox(long seed, long seed2) {
            key = new int[] {(int) seed, (int) (seed >>> 32)};
            counter = new int[] {0, 0, (int) seed2, (int) (seed2 >>> 32)};
        }

        int next() {
            if (used == 4) {
                int c0 = counter[0];
                int c1 = counter[1];
                int c2 = counter[2];
                int c3 = counter[3];
                int k0 = key[0];
                int k1 = key[1];
                for (int round = 0; round < 10; round++) {
                    long p0 = M4X32A * Integer.toUnsignedLong(c0);
                    long p1 = M4X32B * Integer.toUnsignedLong(c2);
                    int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
                    int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
                    c1 = (int) p1;
                    c3 = (int) p0;
                    c0 = n0;
                    c2 = n2;
                    k0 += W32A;
                    k1 += W32B;
                }
                block[0] = c0;
                block[1] = c1;
                block[2] = c2;
                block[3] = c3;
                used = 0;
                // the 128-bit counter moves on by one
                for (int i = 0; i < 4 && ++counter[i] == 0; i++) {
                    // carry into the next word
                }
            }
            return block[used++];
        }
    }
}
