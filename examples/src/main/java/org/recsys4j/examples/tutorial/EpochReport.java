package org.recsys4j.examples.tutorial;

import java.util.Map;

/** One epoch as reported: its number, wall seconds, and its logs. */
public record EpochReport(int epoch, double seconds, Map<String, Double> logs) {
}
