package dev.anneal.train;

import java.nio.file.Path;

/**
 * How a run ended.
 *
 * @param status completed, stopped or cancelled
 * @param lastLoss training loss of the last logged step (NaN if none)
 */
public record TrainResult(Path runDir, String status, TrainerState state, double lastLoss) {}
