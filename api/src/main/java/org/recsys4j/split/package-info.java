/**
 * Train/test splits over plain columns: a seeded shuffle, a global time cut-off, or each user's
 * last interactions by time ({@link org.recsys4j.split.SplitSpec}).
 */
package org.recsys4j.split;
