package dev.anneal.train;

import dev.anneal.engine.Devices;
import java.nio.file.Path;
import java.util.Map;

/**
 * How to run a preset: where its data and runs live, and what to start from.
 *
 * @param dataset a prepared dataset folder (train.bin, val.bin, meta.json)
 * @param runsDir where a new run folder is made
 * @param resume a run folder to continue from its newest checkpoint, or null
 * @param init weights to start from: a run folder (its best, else last checkpoint), a checkpoint
 *     folder, or a Hugging Face folder; null to start from scratch
 * @param steps overrides the preset's step count, or null
 * @param threads CPU threads for libtorch, 0 for the default (all cores)
 * @param evalBatches validation micro batches per evaluation
 * @param device {@code cpu}, {@code cuda} or {@code mps} to train on, refused when this libtorch
 *     lacks it; null for the preset's {@code hardware.device}
 * @param phaseData dataset folders by phase name, overriding the phases' {@code data}
 */
public record TrainOptions(
    Path dataset,
    Path runsDir,
    Path resume,
    Path init,
    Integer steps,
    int threads,
    int evalBatches,
    String device,
    Map<String, Path> phaseData) {

  public TrainOptions {
    if (evalBatches <= 0) evalBatches = 8;
    phaseData = phaseData == null ? Map.of() : Map.copyOf(phaseData);
    if (device != null && !Devices.KINDS.contains(device)) {
      throw new IllegalArgumentException("device: expected cpu, cuda or mps, got '" + device + "'");
    }
  }

  /** Options on the preset's own device. */
  public TrainOptions(
      Path dataset,
      Path runsDir,
      Path resume,
      Path init,
      Integer steps,
      int threads,
      int evalBatches) {
    this(dataset, runsDir, resume, init, steps, threads, evalBatches, null, Map.of());
  }

  /** Options on a device asked for by name (null: the preset's). */
  public TrainOptions(
      Path dataset,
      Path runsDir,
      Path resume,
      Path init,
      Integer steps,
      int threads,
      int evalBatches,
      String device) {
    this(dataset, runsDir, resume, init, steps, threads, evalBatches, device, Map.of());
  }

  public static TrainOptions of(Path dataset, Path runsDir) {
    return new TrainOptions(dataset, runsDir, null, null, null, 0, 8);
  }

  public TrainOptions withDevice(String kind) {
    return new TrainOptions(
        dataset, runsDir, resume, init, steps, threads, evalBatches, kind, phaseData);
  }

  public TrainOptions withResume(Path run) {
    return new TrainOptions(
        dataset, runsDir, run, init, steps, threads, evalBatches, device, phaseData);
  }

  public TrainOptions withInit(Path model) {
    return new TrainOptions(
        dataset, runsDir, resume, model, steps, threads, evalBatches, device, phaseData);
  }

  public TrainOptions withSteps(Integer n) {
    return new TrainOptions(
        dataset, runsDir, resume, init, n, threads, evalBatches, device, phaseData);
  }

  public TrainOptions withPhaseData(Map<String, Path> byPhase) {
    return new TrainOptions(
        dataset, runsDir, resume, init, steps, threads, evalBatches, device, byPhase);
  }

  public TrainOptions withThreads(int n) {
    return new TrainOptions(
        dataset, runsDir, resume, init, steps, n, evalBatches, device, phaseData);
  }
}
