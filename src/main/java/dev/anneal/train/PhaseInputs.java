package dev.anneal.train;

import dev.anneal.data.TokenShards;
import dev.anneal.preset.PhasePlan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the trainer reads in each phase of a run: the batches of the phase's dataset at its sequence
 * length and batch shape, its validation batches, and its learning-rate schedule. Each dataset
 * folder is opened once and stays mapped until the run ends.
 *
 * <p>Phase {@code k}'s data order is seeded with {@code seed + k}, so a later phase on the same
 * dataset does not start by replaying the first phase's order; phase 0 keeps the run's seed, so a
 * run without phases sees exactly the data it always did.
 */
final class PhaseInputs implements AutoCloseable {
  private final PhasePlan plan;
  private final Map<Integer, Path> data;
  private final long seed;
  private final int evalBatches;
  private final Map<Path, TokenShards> open = new HashMap<>();

  /** The batches, evaluation and schedule of one phase. */
  record Current(
      PhasePlan.Phase phase, BatchSampler train, Evaluator evaluator, LrSchedule schedule) {
    /** The rate for the update made at global step {@code step}. */
    double lr(long step) {
      return schedule.at(step - phase.scheduleStart());
    }
  }

  /**
   * @param data each phase's dataset folder, by phase index
   */
  PhaseInputs(PhasePlan plan, Map<Integer, Path> data, long seed, int evalBatches) {
    this.plan = plan;
    this.data = data;
    this.seed = seed;
    this.evalBatches = evalBatches;
  }

  /**
   * Each phase's dataset folder: {@code --data-phase NAME=DIR} (or what the run recorded), else the
   * phase's {@code data} (absolute, or a folder beside the main dataset), else the main one.
   */
  static Map<Integer, Path> resolve(PhasePlan plan, Path main, Map<String, Path> given) {
    Map<Integer, Path> out = new LinkedHashMap<>();
    for (PhasePlan.Phase ph : plan.phases()) {
      Path p = given.get(ph.name());
      if (p == null && ph.data() != null) {
        Path named = Path.of(ph.data());
        p = named.isAbsolute() ? named : main.toAbsolutePath().getParent().resolve(named);
      }
      out.put(ph.index(), p != null ? p : main);
    }
    return out;
  }

  /** The datasets of phases that do not train on the main one, by phase name (for run.json). */
  static Map<String, String> recorded(PhasePlan plan, Map<Integer, Path> data, Path main) {
    Map<String, String> out = new LinkedHashMap<>();
    for (PhasePlan.Phase ph : plan.phases()) {
      if (!data.get(ph.index()).equals(main)) out.put(ph.name(), data.get(ph.index()).toString());
    }
    return out;
  }

  /** Opens every phase's dataset now, so a missing one fails the run before its first step. */
  void openAll() throws IOException {
    for (PhasePlan.Phase ph : plan.phases()) shards(ph);
    checkOneTokenizer();
  }

  /**
   * Every phase's dataset was tokenized by the same tokenizer as the first phase's: one model reads
   * them all, so the same id must mean the same text.
   */
  private void checkOneTokenizer() throws IOException {
    PhasePlan.Phase first = plan.phases().getFirst();
    String want = shards(first).meta().path("tokenizer_sha256").asText("");
    for (PhasePlan.Phase ph : plan.phases()) {
      String sha = shards(ph).meta().path("tokenizer_sha256").asText("");
      if (!want.isEmpty() && !sha.isEmpty() && !sha.equals(want)) {
        throw new IOException(
            "phase '"
                + ph.name()
                + "' (training.phases["
                + ph.index()
                + "]): "
                + data.get(ph.index()).resolve(TokenShards.META)
                + " was tokenized with another tokenizer than "
                + data.get(first.index())
                + " (tokenizer SHA-256 differs): prepare it with the same tokenizer.json");
      }
    }
  }

  /** The inputs of a phase, its samplers built for its sequence length and batch shape. */
  Current enter(PhasePlan.Phase ph) throws IOException {
    TokenShards shards = shards(ph);
    long phaseSeed = seed + ph.index();
    BatchSampler train =
        new BatchSampler(
            TokenStreams.of(shards.train()),
            ph.microBatch(),
            ph.seqLen(),
            phaseSeed,
            shards.padId());
    BatchSampler val =
        new BatchSampler(
            TokenStreams.val(shards), ph.microBatch(), ph.seqLen(), phaseSeed, shards.padId());
    LrSchedule schedule =
        new LrSchedule(
            ph.lr(),
            ph.minLr(),
            ph.warmupSteps(),
            Math.toIntExact(ph.scheduleSteps()),
            ph.schedule());
    return new Current(ph, train, new Evaluator(val, evalBatches), schedule);
  }

  private TokenShards shards(PhasePlan.Phase ph) throws IOException {
    Path dir = data.get(ph.index());
    TokenShards s = open.get(dir);
    if (s != null) return s;
    try {
      s = TokenShards.open(dir);
    } catch (IOException e) {
      if (!plan.phased()) throw e;
      throw new IOException(
          "phase '" + ph.name() + "' (training.phases[" + ph.index() + "]): " + e.getMessage(), e);
    }
    open.put(dir, s);
    return s;
  }

  @Override
  public void close() {
    for (TokenShards s : List.copyOf(open.values())) s.close();
    open.clear();
  }
}
