package dev.anneal.train;

import dev.anneal.preset.Schedule;
import dev.anneal.preset.TrainingSpec;

/**
 * Learning rate by optimizer step: linear warmup from lr/warmup to lr, then cosine, linear or
 * constant decay to {@code minLr} at the last step (seeds 002, 003: warmup then cosine).
 *
 * @param peak the learning rate after warmup
 * @param min the floor reached at the last step (cosine and linear)
 * @param warmup steps of linear warmup
 * @param total all optimizer steps of the run
 * @param kind the decay after warmup
 */
public record LrSchedule(double peak, double min, int warmup, int total, Schedule kind) {

  public static LrSchedule of(TrainingSpec t) {
    return new LrSchedule(t.lr(), t.minLr(), t.warmupSteps(), t.steps(), t.schedule());
  }

  /** The rate for the update made at step {@code step} (0-based). */
  public double at(long step) {
    if (step < warmup) return peak * (step + 1) / warmup;
    if (kind == Schedule.CONSTANT || total <= warmup) return peak;
    double progress = Math.min(1.0, (double) (step - warmup) / Math.max(1, total - warmup));
    double shape =
        kind == Schedule.LINEAR ? 1 - progress : 0.5 * (1 + Math.cos(Math.PI * progress));
    return min + shape * (peak - min);
  }
}
