package dev.anneal.sweep;

/** What a sweep reports as it goes; the CLI prints it, the studio shows it. */
public interface SweepListener {
  SweepListener NONE = new SweepListener() {};

  /** A run starts (or resumes): its place in the grid and the time the rest should take. */
  default void onRunStart(SweepRun run, int total, double secondsLeft) {}

  /** A run ended, with its losses and status. */
  default void onRunEnd(SweepRun run, int total) {}

  /** The trainer's step progress within the current run. */
  default void onStep(SweepRun run, long step, long steps) {}

  /** A log line of the trainer. */
  default void onLog(String line) {}
}
