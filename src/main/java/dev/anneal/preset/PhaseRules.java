package dev.anneal.preset;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/** The rules {@code training.phases} must keep, each broken one named by its field. */
final class PhaseRules {
  private static final Set<String> ROPE_TYPES = Set.of("yarn", "linear");

  private PhaseRules() {}

  /** Checks the phases of a training section whose own fields are already valid. */
  static void check(ModelSpec m, TrainingSpec t, BiConsumer<String, String> fail) {
    List<PhaseSpec> phases = t.phases();
    Set<String> names = new HashSet<>();
    double shares = 0;
    for (int i = 0; i < phases.size(); i++) {
      String at = "training.phases[" + i + "].";
      PhaseSpec s = phases.get(i);
      if (s == null) {
        fail.accept("training.phases[" + i + "]", "empty phase: give at least a name and steps");
        continue;
      }
      if (s.name() == null || !s.name().matches("[a-z0-9][a-z0-9._-]*")) {
        fail.accept(at + "name", "required: lower-case letters, digits, '.', '_' or '-'");
      } else if (!names.add(s.name())) {
        fail.accept(at + "name", "'" + s.name() + "' names an earlier phase too");
      }
      if ((s.steps() == null) == (s.tokenShare() == null)) {
        fail.accept(
            at + (s.steps() == null ? "steps" : "token_share"),
            s.steps() == null
                ? "required: steps or token_share"
                : "give steps or token_share, not both");
      } else if (s.steps() != null) {
        positive(at + "steps", s.steps(), fail);
      } else if (!(s.tokenShare() > 0 && s.tokenShare() <= 1)) {
        fail.accept(at + "token_share", "must be in (0, 1], got " + s.tokenShare());
      } else {
        shares += s.tokenShare();
      }
      if (positive(at + "seq_len", s.seqLen(), fail) && s.seqLen() > m.context()) {
        fail.accept(at + "seq_len", s.seqLen() + " exceeds the model's context " + m.context());
      }
      positive(at + "micro_batch", s.microBatch(), fail);
      positive(at + "accumulation", s.accumulation(), fail);
      if (s.data() != null && s.data().isBlank())
        fail.accept(at + "data", "must name a dataset folder");
      if (s.lr() != null && !(s.lr() > 0)) fail.accept(at + "lr", "must be > 0");
      double lr = s.lr() != null ? s.lr() : t.lr();
      if (s.minLr() != null && (s.minLr() < 0 || s.minLr() > lr)) {
        fail.accept(at + "min_lr", "must be in [0, lr (" + lr + ")]");
      }
      if (s.warmupSteps() != null && s.warmupSteps() < 0) {
        fail.accept(at + "warmup_steps", "must be >= 0");
      } else if (s.warmupSteps() != null && s.steps() != null && s.warmupSteps() > s.steps()) {
        fail.accept(
            at + "warmup_steps", "must be between 0 and the phase's steps (" + s.steps() + ")");
      }
      if (s.ropeScaling() != null) {
        if (m.position() != Position.ROPE) {
          fail.accept(at + "rope_scaling", "only applies with position: rope");
        } else {
          ropeScaling(at + "rope_scaling", m, s.ropeScaling(), fail);
        }
      }
    }
    if (shares > 1 + 1e-9) {
      fail.accept(
          "training.phases",
          String.format(
              java.util.Locale.ROOT, "the phases' token shares add up to %.3g; at most 1", shares));
    }
  }

  /** The rules of a RoPE scaling block, under {@code prefix} (model.rope_scaling or a phase's). */
  static void ropeScaling(
      String prefix, ModelSpec m, RopeScaling rs, BiConsumer<String, String> fail) {
    if (!ROPE_TYPES.contains(rs.type())) {
      fail.accept(prefix + ".type", "'" + rs.type() + "' is not one of linear, yarn");
    }
    if (!(rs.factor() >= 1)) fail.accept(prefix + ".factor", "must be >= 1");
    if (rs.originalContext() == null || rs.originalContext() <= 0) {
      fail.accept(prefix + ".original_context", "required: a positive whole number");
    } else if (rs.originalContext() > m.context()) {
      fail.accept(
          prefix + ".original_context", rs.originalContext() + " exceeds context " + m.context());
    }
    if (!(rs.betaFast() > rs.betaSlow()))
      fail.accept(prefix + ".beta_fast", "must be greater than beta_slow");
  }

  private static boolean positive(String field, Integer v, BiConsumer<String, String> fail) {
    if (v == null) return false;
    if (v <= 0) {
      fail.accept(field, "must be > 0, got " + v);
      return false;
    }
    return true;
  }
}
