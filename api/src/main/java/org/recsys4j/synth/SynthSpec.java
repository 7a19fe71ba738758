package org.recsys4j.synth;

/**
 * The shape of a synthetic log and of its ground truth.
 *
 * @param users how many users (each has at least one interaction)
 * @param items how many items
 * @param interactions how many (user, item) interactions in all; a user never has an item twice
 * @param topics latent topics: each item belongs to one, each user spreads interest over them
 * @param topicConcentration the Dirichlet parameter of a user's interest over topics: below 1, most
 *     users care for few topics
 * @param itemExponent item popularity falls as 1 / rank^itemExponent (Zipf-like)
 * @param userExponent user activity falls as 1 / rank^userExponent (on top of {@code minPerUser})
 * @param popularityShare the share of each user's draws made by global popularity alone, the rest
 *     through the user's topics
 * @param minPerUser interactions every user has at least (fewer only if the total is too small)
 * @param start the earliest timestamp (Unix seconds)
 * @param end the latest timestamp (Unix seconds)
 * @param seed seeds everything: the same spec writes the same file
 */
public record SynthSpec(int users, int items, long interactions, int topics, double topicConcentration,
        double itemExponent, double userExponent, double popularityShare, int minPerUser, long start, long end,
        long seed) {

    public SynthSpec {
        positive("users", users);
        positive("items", items);
        positive("topics", topics);
        if (interactions < users) {
            throw new IllegalArgumentException("every user needs an interaction: " + interactions
                    + " interactions for " + users + " users");
        }
        if (interactions > (long) users * (items / 2)) {
            throw new IllegalArgumentException(interactions + " interactions do not fit " + users + " users who each"
                    + " take at most half of the " + items + " items");
        }
        if (topics > items) {
            throw new IllegalArgumentException(topics + " topics for " + items + " items: each topic needs an item");
        }
        if (!(topicConcentration > 0) || !(itemExponent >= 0) || !(userExponent >= 0)) {
            throw new IllegalArgumentException("concentration must be positive and exponents 0 or more");
        }
        if (!(popularityShare >= 0 && popularityShare <= 1)) {
            throw new IllegalArgumentException("the popularity share must be between 0 and 1, got " + popularityShare);
        }
        if (minPerUser < 1 || end < start) {
            throw new IllegalArgumentException("minPerUser must be positive and end not before start");
        }
    }

    private static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /**
     * MovieLens 25M's shape: 162,541 users, 59,047 items, 25,000,095 interactions, at least 20 per
     * user, timestamps over its span (January 1995 to November 2019); 32 topics.
     */
    public static SynthSpec movieLens25mShape(long seed) {
        return new SynthSpec(162_541, 59_047, 25_000_095L, 32, 0.1, 0.9, 0.5, 0.2, 20, 789_652_009L,
                1_574_327_703L, seed);
    }

    /** This shape at another size: the other parameters kept. */
    public SynthSpec withSize(int users, int items, long interactions) {
        return new SynthSpec(users, items, interactions, Math.min(topics, items), topicConcentration, itemExponent,
                userExponent, popularityShare, minPerUser, start, end, seed);
    }
}
