package dev.anneal.train;

import dev.anneal.io.JsonObject;
import dev.anneal.preset.PhasePlan;
import dev.anneal.preset.Preset;
import dev.anneal.runs.Resume;
import dev.anneal.runs.RunFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The run folder a training run writes to, new or resumed, with the preset it trains (a resumed
 * run's own), its phases and each phase's dataset folder.
 *
 * @param phaseData each phase's dataset folder, by phase index
 */
record RunStart(RunFolder run, Preset preset, PhasePlan plan, Map<Integer, Path> phaseData) {

  /** Creates the run folder, or opens the one {@code options} resumes. */
  static RunStart open(Preset p, TrainOptions options) throws IOException {
    if (options.resume() == null) {
      PhasePlan plan = PhasePlan.of(p);
      Map<Integer, Path> phaseData =
          PhaseInputs.resolve(plan, options.dataset(), options.phaseData());
      RunFolder run =
          RunFolder.create(
              options.runsDir(),
              p,
              JsonObject.of(
                  "dataset",
                  options.dataset().toString(),
                  "init",
                  options.init() == null ? "" : options.init().toString(),
                  "phase_data",
                  PhaseInputs.recorded(plan, phaseData, options.dataset())));
      return new RunStart(run, p, plan, phaseData);
    }
    Resume resume = Resume.of(options.resume(), options.steps());
    RunFolder run = resume.run();
    Preset resumed = resume.preset();
    if (options.steps() != null && !resumed.training().phases().isEmpty()) {
      throw new IllegalArgumentException(
          run.dir()
              + " trains in phases, whose steps are fixed"
              + " when it starts: --steps cannot change them on resume");
    }
    PhasePlan plan = PhasePlan.of(resumed);
    // The phase datasets the run recorded, unless given again.
    Map<String, Path> recorded = new HashMap<>();
    run.getMap("phase_data").forEach((k, v) -> recorded.put(k, Path.of(v)));
    recorded.putAll(options.phaseData());
    return new RunStart(run, resumed, plan, PhaseInputs.resolve(plan, options.dataset(), recorded));
  }
}
