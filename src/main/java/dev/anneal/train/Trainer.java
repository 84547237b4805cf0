package dev.anneal.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.anneal.engine.DeviceMemory;
import dev.anneal.engine.DevicePeak;
import dev.anneal.engine.Devices;
import dev.anneal.engine.MixedPrecision;
import dev.anneal.engine.NativeMemory;
import dev.anneal.engine.NativeTrim;
import dev.anneal.engine.ProcessMemory;
import dev.anneal.io.JsonObject;
import dev.anneal.metrics.MetricPoint;
import dev.anneal.metrics.MetricsLog;
import dev.anneal.metrics.RunEvent;
import dev.anneal.model.CausalLm;
import dev.anneal.preset.PhasePlan;
import dev.anneal.preset.Preset;
import dev.anneal.preset.TrainingSpec;
import dev.anneal.preset.estimate.Estimator;
import dev.anneal.runs.RunFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The training loop, written out top to bottom: set up (run folder, data, model, optimizer,
 * resume), then for each step: wait if paused, run the micro batches, skip a non-finite update,
 * roll back a loss spike, update, log, evaluate, checkpoint; finally save and report. One trainer
 * serves the CLI and the studio.
 */
public final class Trainer {
  private final Preset preset;
  private final TrainOptions options;
  private final TrainingListener listener;
  private final TrainerControl control;
  private java.util.function.LongPredicate faultAt = step -> false;
  private java.util.function.LongPredicate outOfMemoryAt = step -> false;
  private java.util.function.LongPredicate spikeAt = step -> false;
  private java.util.function.ObjLongConsumer<NDManager> afterStep = (root, step) -> {};

  public Trainer(
      Preset preset, TrainOptions options, TrainingListener listener, TrainerControl control) {
    this.preset = preset;
    this.options = options;
    this.listener = listener;
    this.control = control;
  }

  /** Makes the loss NaN at the steps given (0-based): a test seam for the NaN-skip rule. */
  Trainer injectNanAt(java.util.function.LongPredicate steps) {
    this.faultAt = steps;
    return this;
  }

  /**
   * Multiplies the loss by 100 at the steps given (0-based): a test seam for the spike rollback.
   */
  Trainer injectSpikeAt(java.util.function.LongPredicate steps) {
    this.spikeAt = steps;
    return this;
  }

  /**
   * Makes libtorch's allocator fail at the steps given (0-based), as a full GPU does: a test seam.
   */
  Trainer injectOutOfMemoryAt(java.util.function.LongPredicate steps) {
    this.outOfMemoryAt = steps;
    return this;
  }

  /** Called with the run's root manager after each step's logging, evaluation and checkpoint. */
  Trainer afterEachStep(java.util.function.ObjLongConsumer<NDManager> hook) {
    this.afterStep = hook;
    return this;
  }

  public TrainResult run() throws IOException, InterruptedException {
    // ---- setup ---------------------------------------------------------------------------
    Preset p =
        options.steps() == null
            ? preset
            : preset.withTraining(preset.training().withSteps(options.steps()));
    TrainingSpec t = p.training();
    Engine engine = Engine.getEngine("PyTorch"); // loads the natives before any JNI call
    // Grad mode is per thread and on by default in a new one (the studio trains on a worker):
    // only the gradient collector may turn it on, or the optimizer's in-place updates fail.
    JniUtils.setGradMode(false);
    if (options.threads() > 0) JniUtils.setNumThreads(options.threads());
    // A device asked for by name is refused before a run folder exists; the preset's own
    // hardware.device falls back to the CPU with a note instead.
    Devices.Choice asked = options.device() == null ? null : Devices.choose(options.device());
    if (asked != null && asked.note() != null) {
      throw new IllegalArgumentException("device " + options.device() + ": " + asked.note());
    }
    RunStart start = RunStart.open(p, options);
    RunFolder run = start.run();
    PhasePlan plan = start.plan();
    Map<Integer, Path> phaseData = start.phaseData();
    p = start.preset();
    // The run ends after its last phase; without phases that is training.steps, as before.
    if (plan.phased())
      p = p.withTraining(p.training().withSteps(Math.toIntExact(plan.totalSteps())));
    t = p.training();
    Devices.Choice device = asked != null ? asked : Devices.choose(p.hardware().device());
    if (device.note() != null) listener.onLog("note: " + device.note() + "; training on the CPU");
    MixedPrecision.Decision precision =
        MixedPrecision.decide(t.precision().toString(), device.device());
    if (precision.note() != null) listener.onLog("note: " + precision.note());
    DevicePeak.RunSetup setup = DevicePeak.setUp(device.device(), precision.precision());
    String gpuName = setup.gpuName();
    String banner =
        setup.banner(
            device.device(), engine.getVersion(), JniUtils.getNumThreads(), precision.label());
    listener.onLog(banner);

    try (PhaseInputs inputs = new PhaseInputs(plan, phaseData, t.seed(), options.evalBatches());
        NDManager root = NDManager.newBaseManager(device.device());
        DeviceMemory memory = DeviceMemory.watch(device.device());
        MetricsLog log = MetricsLog.append(run.dir())) {
      inputs.openAll();
      CausalLm model = Initialisation.model(p, options.init(), root);
      model.useBf16Matmuls(precision.bf16());
      Map<String, NDArray> params = model.trainableParameters();
      AdamW optimizer = AdamW.forRun(t, params, root.newSubManager());
      CheckpointStore checkpoints = new CheckpointStore(run.dir(), t.keepLast());
      TrainerState state = TrainerState.start(t.seed());
      if (options.resume() != null && checkpoints.latest().isPresent()) {
        state = CheckpointStore.load(checkpoints.latest().get(), model, optimizer, root);
        emit(log, RunEvent.of(state.step(), RunEvent.RESUME, "resumed at step " + state.step()));
        if (plan.phased()) Phases.checkResumable(plan, state, checkpoints.latest().get());
      }
      StabilityGuard guard = new StabilityGuard(t.spikeFactor());
      guard.resetSettling((int) Math.min(state.step(), Integer.MAX_VALUE));
      try (TrainingStep trainingStep =
          TrainingStep.forRun(
              model, params, t, optimizer, CpuSplit.forRun(model, device.device(), t))) {
        if (trainingStep.splitsMicroBatches())
          listener.onLog("each micro batch runs as two halves on two threads at once");
        // Attention's share of the FLOPs grows with the sequence: set on entering each phase.
        double flopsPerToken = 0;
        double peakFlops = setup.peak().flops();
        run.update("running", JsonObject.of("device", banner, "steps", t.steps()));
        emit(
            log,
            new RunEvent(
                state.step(),
                java.time.Instant.now(),
                RunEvent.START,
                banner,
                JsonObject.of(
                    "run",
                    run.dir().toString(),
                    "device",
                    device.device() + (gpuName == null ? "" : " " + gpuName))));

        // ---- the loop ------------------------------------------------------------------------
        PhaseInputs.Current phase = null;
        String status = "completed";
        double lastLoss = Double.NaN;
        long intervalTokens = 0;
        long intervalStart = System.nanoTime();
        NativeTrim nativeTrim = new NativeTrim();
        while (state.step() < t.steps()) {
          long waitStart = System.nanoTime();
          TrainerControl.Request go = control.awaitGo();
          // Time spent paused is no training time: the interval's tokens/s must not count it.
          intervalStart += System.nanoTime() - waitStart;
          if (go == TrainerControl.Request.CANCEL) {
            status = "cancelled";
            break;
          }
          if (go == TrainerControl.Request.STOP) {
            status = "stopped";
            break;
          }
          PhasePlan.Phase ph = plan.at(state.step());
          if (phase == null || phase.phase().index() != ph.index()) {
            phase = inputs.enter(ph);
            flopsPerToken = Estimator.flopsPerToken(p, ph.seqLen());
            model.useRopeScaling(ph.ropeScaling());
            RunEvent entered = Phases.entered(plan, ph, state.step());
            if (entered != null) emit(log, entered);
            else if (plan.phased()) listener.onLog(Phases.describe(plan, ph, state.step()));
          }
          state = state.inPhase(ph.index(), ph.start());
          long stepStart = System.nanoTime();
          double lr = phase.lr(state.step()) * state.lrScale();
          List<Batch> micro = new ArrayList<>();
          for (int k = 0; k < ph.accumulation(); k++)
            micro.add(phase.train().batch(state.phaseStep(), k, ph.accumulation()));
          Engine.getInstance().setRandomSeed((int) (state.seed() * 31 + state.step()));

          StepRunner.Outcome out;
          try (NDManager step = root.newSubManager()) {
            if (faultAt.test(state.step())) trainingStep.distortNextStep(Float.NaN);
            else if (spikeAt.test(state.step())) trainingStep.distortNextStep(100f);
            try {
              if (outOfMemoryAt.test(state.step())) {
                throw new ai.djl.engine.EngineException(
                    "CUDA out of memory. Tried to allocate 2.00 GiB (injected)");
              }
              out = trainingStep.passes(micro, t.clip(), step);
            } catch (ai.djl.engine.EngineException e) {
              if (!OutOfMemory.is(e)) throw e;
              trainingStep.discard(step);
              throw outOfMemory(
                  e, p, plan, ph, device.device(), state, checkpoints, model, optimizer, log, run);
            }
            double seconds = (System.nanoTime() - stepStart) / 1e9;
            if (t.nanSkip() && StabilityGuard.nonFinite(out.loss(), out.gradNorm())) {
              trainingStep.discard(step);
              state = state.skipped(out.tokens(), seconds);
              emit(log, RunEvent.nanSkip(state.step(), out.loss(), out.gradNorm()));
              continue;
            }
            if (guard.isSpike(out.loss(), state.lossAverage())
                && state.rollbacks() < t.maxRollbacks()
                && checkpoints.latest().isPresent()) {
              trainingStep.discard(step);
              Path back = checkpoints.latest().get();
              TrainerState restored = CheckpointStore.load(back, model, optimizer, root);
              state = state.rolledBack(restored, t.spikeLrCut());
              guard.resetSettling(0);
              emit(
                  log,
                  RunEvent.of(
                      state.step(),
                      RunEvent.ROLLBACK,
                      String.format(
                          Locale.ROOT,
                          "loss %.3f spiked above %.1f× its mean %.3f: back to step %d, learning rate × %.3g",
                          out.loss(),
                          t.spikeFactor(),
                          restored.lossAverage(),
                          restored.step(),
                          state.lrScale())));
              continue;
            }
            trainingStep.update(out, lr, step);
            state =
                state.advanced(
                    out.tokens(), guard.average(state.lossAverage(), out.loss()), seconds);
          }
          lastLoss = out.loss();
          nativeTrim.afterStep(state.step()); // keeps resident memory flat (NativeMemory)
          intervalTokens += out.tokens();
          StabilityGuard.Band crossed = guard.crossing(out.gradNorm());
          if (crossed != null) {
            emit(
                log,
                RunEvent.of(
                    state.step(),
                    RunEvent.BAND_CROSSING,
                    String.format(
                        Locale.ROOT,
                        "gradient norm %.2f is now %s",
                        out.gradNorm(),
                        crossed.name().toLowerCase(Locale.ROOT))));
          }

          // ---- log, evaluate, checkpoint ---------------------------------------------------
          boolean last = state.step() == t.steps();
          if (state.step() % t.logEvery() == 0 || last) {
            double elapsed = (System.nanoTime() - intervalStart) / 1e9;
            double tps = intervalTokens / Math.max(elapsed, 1e-9);
            MetricPoint point =
                Metrics.trainPoint(
                    state,
                    out,
                    lr,
                    tps,
                    tps * flopsPerToken / peakFlops,
                    phase
                        .train()
                        .epochAt(state.phaseStep() * ph.accumulation() * (long) ph.microBatch()),
                    memory.peakBytes(),
                    ProcessMemory.residentBytes(),
                    state.cost(p.hardware()));
            log.write(point);
            listener.onMetric(point);
            double eta = state.etaSeconds(t.steps());
            listener.onLog(Metrics.line(point, t.steps(), eta));
            listener.onProgress(state.step(), t.steps(), eta);
            intervalTokens = 0;
            intervalStart = System.nanoTime();
          }
          if (state.step() % t.evalEvery() == 0 || last) {
            Evaluator.Measured measured;
            try {
              measured = phase.evaluator().measure(model, root);
            } catch (ai.djl.engine.EngineException e) {
              if (!OutOfMemory.is(e)) throw e;
              throw outOfMemory(
                  e, p, plan, ph, device.device(), state, checkpoints, model, optimizer, log, run);
            }
            double valLoss = measured.loss();
            MetricPoint point = MetricPoint.eval(state.step(), valLoss, measured.byLanguage());
            log.write(point);
            listener.onMetric(point);
            if (Double.isNaN(state.bestValLoss()) || valLoss < state.bestValLoss()) {
              state = state.withBest(valLoss);
              checkpoints.saveBest(model, optimizer, state);
              emit(
                  log,
                  RunEvent.of(
                      state.step(),
                      RunEvent.EVAL,
                      String.format(Locale.ROOT, "new best validation loss %.4f", valLoss)));
            }
          }
          if (state.step() % t.checkpointEvery() == 0 || last)
            saveCheckpoint(checkpoints, model, optimizer, state, log);
          afterStep.accept(root, state.step());
        }

        // ---- finish ----------------------------------------------------------------------------
        if (status.equals("stopped")) saveCheckpoint(checkpoints, model, optimizer, state, log);
        emit(log, RunEvent.of(state.step(), RunEvent.STOP, status + " at step " + state.step()));
        run.update(
            status,
            JsonObject.of(
                "step",
                state.step(),
                "best_val_loss",
                Double.isNaN(state.bestValLoss()) ? "" : state.bestValLoss()));
        optimizer.close();
        model.close();
        // What the run held goes back to the system: the heap keeps freed blocks (NativeMemory),
        // and a studio that trained would otherwise hold the run's peak after it.
        NativeMemory.trim();
        return new TrainResult(run.dir(), status, state, lastLoss);
      }
    } catch (IOException | RuntimeException | InterruptedException e) {
      run.update("failed", Map.of("error", String.valueOf(e.getMessage())));
      throw e;
    }
  }

  /**
   * After libtorch ran out of memory in a step's passes (nothing was updated, the gradients are
   * zeroed): saves the state reached so far as a checkpoint unless one is already there, records
   * the event, and returns the one-line error that says what to lower.
   */
  private OutOfMemory outOfMemory(
      RuntimeException cause,
      Preset p,
      PhasePlan plan,
      PhasePlan.Phase ph,
      ai.djl.Device device,
      TrainerState state,
      CheckpointStore checkpoints,
      CausalLm model,
      AdamW optimizer,
      MetricsLog log,
      RunFolder run)
      throws IOException {
    String kept = OutOfMemory.keepState(state, checkpoints, model, optimizer, run);
    OutOfMemory oom =
        OutOfMemory.inPhase(device, plan, ph, p.training().activationCheckpointing(), kept, cause);
    emit(log, RunEvent.of(state.step(), RunEvent.STOP, oom.getMessage()));
    return oom;
  }

  private void saveCheckpoint(
      CheckpointStore checkpoints,
      CausalLm model,
      AdamW optimizer,
      TrainerState state,
      MetricsLog log)
      throws IOException {
    Path dir = checkpoints.save(model, optimizer, state);
    emit(log, RunEvent.of(state.step(), RunEvent.CHECKPOINT, "checkpoint " + dir.getFileName()));
  }

  private void emit(MetricsLog log, RunEvent event) throws IOException {
    log.write(event);
    listener.onEvent(event);
  }
}
