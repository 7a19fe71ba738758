package org.recsys4j.synth;

import java.io.IOException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;
import org.recsys4j.model.Embeddings;

/**
 * A synthetic interaction log drawn from a known latent-factor model, user by user, so it can be
 * streamed to disk at any size.
 *
 * <p>The ground truth: each item belongs to one of {@code topics} topics and has a Zipf-like
 * popularity weight w_i; each user has an interest theta_u over topics (Dirichlet). A user's next
 * item is drawn, among the items the user does not have yet, with probability proportional to
 * {@code P(i | u) = (1 - s) theta_u[topic(i)] w_i / W_topic(i) + s w_i / W} (s the popularity
 * share, W the total weights). That is a dot product of a user vector and an item vector of
 * {@code topics + 1} dimensions ({@link #userVector}, {@link #itemVectors}): the perfect
 * two-tower model, whose ranking metrics bound what any model can reach on the log.
 *
 * <p>User activity is Zipf-like too (at least {@code minPerUser} each); each user's timestamps are
 * spread over an active span (many short, a few long) inside [start, end], in increasing order.
 * The items come in random order relative to time, so a time split holds out exchangeable draws.
 */
public final class SyntheticInteractions {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final SynthSpec spec;
    private final int[] topicOf;
    private final double[] weight;
    private final double[] topicWeight;
    private final double totalWeight;
    private final int[][] topicItems;
    private final AliasTable popularity;
    private final AliasTable[] byTopic;
    private final int[] counts;

    /** The ground truth of {@code spec}: topics, popularities, interests and activities, drawn from its seed. */
    public SyntheticInteractions(SynthSpec spec) {
        this.spec = spec;
        int m = spec.items();
        int c = spec.topics();
        SplittableRandom random = new SplittableRandom(spec.seed());
        int[] itemOrder = permutation(m, random);
        topicOf = new int[m];
        weight = new double[m];
        topicWeight = new double[c];
        int[] perTopic = new int[c];
        for (int rank = 0; rank < m; rank++) {
            int item = itemOrder[rank];
            weight[item] = 1.0 / Math.pow(rank + 1, spec.itemExponent());
        }
        int[] topicOrder = permutation(m, random);
        for (int k = 0; k < m; k++) { // every topic gets items, popular and rare ones alike
            int item = topicOrder[k];
            topicOf[item] = k % c;
            topicWeight[k % c] += weight[item];
            perTopic[k % c]++;
        }
        totalWeight = Arrays.stream(weight).sum();
        topicItems = new int[c][];
        for (int t = 0; t < c; t++) {
            topicItems[t] = new int[perTopic[t]];
        }
        int[] fill = new int[c];
        for (int item = 0; item < m; item++) {
            topicItems[topicOf[item]][fill[topicOf[item]]++] = item;
        }
        popularity = new AliasTable(weight);
        byTopic = new AliasTable[c];
        for (int t = 0; t < c; t++) {
            double[] w = new double[topicItems[t].length];
            for (int k = 0; k < w.length; k++) {
                w[k] = weight[topicItems[t][k]];
            }
            byTopic[t] = new AliasTable(w);
        }
        counts = UserActivity.counts(spec, random);
    }

    /** The spec this log was drawn from. */
    public SynthSpec spec() {
        return spec;
    }

    /** How many interactions user {@code user} has. */
    public int count(int user) {
        return counts[user];
    }

    /** The topic of item {@code item}. */
    public int topic(int item) {
        return topicOf[item];
    }

    /** Receives one user's interactions at a time: items and timestamps in time order. */
    @FunctionalInterface
    public interface UserSink {
        /** User {@code user}'s first {@code count} items and timestamps (the arrays are reused). */
        void accept(int user, int[] items, long[] timestamps, int count) throws IOException;
    }

    /** Draws every user's interactions, user 0 first, and hands each user's to {@code sink}. */
    public void generate(UserSink sink) throws IOException {
        int max = Arrays.stream(counts).max().orElse(0);
        int[] items = new int[max];
        long[] times = new long[max];
        BitSet taken = new BitSet(spec.items());
        for (int u = 0; u < spec.users(); u++) {
            SplittableRandom random = userRandom(u);
            double[] cumulative = cumulative(interest(random));
            int n = counts[u];
            for (int k = 0; k < n; k++) {
                int item = draw(random, cumulative, taken);
                taken.set(item);
                items[k] = item;
            }
            for (int k = 0; k < n; k++) {
                taken.clear(items[k]);
            }
            timestamps(random, times, n);
            sink.accept(u, items, times, n);
        }
    }

    private int draw(SplittableRandom random, double[] cumulative, BitSet taken) {
        for (int attempt = 0; attempt < 64; attempt++) {
            int item;
            if (attempt >= 32 || random.nextDouble() < spec.popularityShare()) {
                item = popularity.sample(random); // a user whose topics are used up falls back on popularity
            } else {
                int t = pick(cumulative, random.nextDouble());
                item = topicItems[t][byTopic[t].sample(random)];
            }
            if (!taken.get(item)) {
                return item;
            }
        }
        int from = taken.nextClearBit(random.nextInt(spec.items()));
        return from < spec.items() ? from : taken.nextClearBit(0);
    }

    private static int pick(double[] cumulative, double x) {
        for (int t = 0; t < cumulative.length - 1; t++) {
            if (x < cumulative[t]) {
                return t;
            }
        }
        return cumulative.length - 1;
    }

    /** A user's active span: a power of a uniform draw, so most spans are short and a few long. */
    private void timestamps(SplittableRandom random, long[] out, int n) {
        double range = spec.end() - spec.start();
        double span = range * Math.pow(random.nextDouble(), 4);
        double first = spec.start() + random.nextDouble() * (range - span);
        for (int k = 0; k < n; k++) {
            out[k] = (long) (first + random.nextDouble() * span);
        }
        Arrays.sort(out, 0, n);
    }

    /** The user's interest over topics, a Dirichlet draw: the first thing drawn from the user's stream. */
    private double[] interest(SplittableRandom random) {
        double[] theta = new double[spec.topics()];
        double sum = 0;
        for (int t = 0; t < theta.length; t++) {
            theta[t] = Gamma.sample(spec.topicConcentration(), random);
            sum += theta[t];
        }
        if (!(sum > 0)) { // every draw underflowed: all interest in one topic
            Arrays.fill(theta, 0);
            theta[random.nextInt(theta.length)] = 1;
            return theta;
        }
        for (int t = 0; t < theta.length; t++) {
            theta[t] /= sum;
        }
        return theta;
    }

    private static double[] cumulative(double[] p) {
        double[] c = new double[p.length];
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            s += p[i];
            c[i] = s;
        }
        return c;
    }

    private SplittableRandom userRandom(int user) {
        return new SplittableRandom(spec.seed() * GOLDEN + (user + 1L) * 0xBF58476D1CE4E5B9L);
    }

    /** The perfect model's query for {@code user}: {@code (1 - s) theta_u} and s, in {@code topics + 1} floats. */
    public float[] userVector(int user) {
        double[] theta = interest(userRandom(user));
        float[] v = new float[spec.topics() + 1];
        for (int t = 0; t < theta.length; t++) {
            v[t] = (float) ((1 - spec.popularityShare()) * theta[t]);
        }
        v[spec.topics()] = (float) spec.popularityShare();
        return v;
    }

    /** The perfect model's candidates: item i's topic slot holds w_i / W_topic, the last w_i / W. */
    public Embeddings itemVectors() {
        int d = spec.topics() + 1;
        float[] data = new float[spec.items() * d];
        for (int i = 0; i < spec.items(); i++) {
            data[i * d + topicOf[i]] = (float) (weight[i] / topicWeight[topicOf[i]]);
            data[i * d + spec.topics()] = (float) (weight[i] / totalWeight);
        }
        return new Embeddings(data, spec.items(), d);
    }

    static int[] permutation(int n, SplittableRandom random) {
        return org.recsys4j.split.Splits.permutation(n, random.nextLong());
    }
}
