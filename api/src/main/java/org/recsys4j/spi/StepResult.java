package org.recsys4j.spi;

/** The losses one training or test step computed. */
public record StepResult(double loss, double regularizationLoss) {
    public double totalLoss() {
        return loss + regularizationLoss;
    }
}
