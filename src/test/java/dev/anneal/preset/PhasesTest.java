package dev.anneal.preset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code training.phases}: laid out on the step axis, and refused field by field when broken. */
class PhasesTest {
  private static final String BASE =
      """
      name: t
      model: {family: llama, layers: 2, hidden: 64, heads: 4, kv_heads: 2, intermediate: 128, vocab: 256, context: 8192}
      training:
        steps: 1000
        micro_batch: 4
        accumulation: 2
        seq_len: 2048
        lr: 3.0e-4
        min_lr: 3.0e-5
        warmup_steps: 100
      """;

  private static final String PROGRESSIVE =
      BASE
          + """
        phases:
          - {name: ctx-2k, token_share: 0.5}
          - {name: ctx-4k, seq_len: 4096, token_share: 0.3}
          - {name: ctx-8k, seq_len: 8192, micro_batch: 2, accumulation: 4, token_share: 0.2}
      """;

  @Test
  void tokenSharesDivideTheBudgetAtEachPhasesOwnTokensPerStep() {
    PhasePlan plan = PhasePlan.of(PresetLoader.parse(PROGRESSIVE, "t.yaml"));
    // Budget 1000 steps × 4 × 2 × 2048 tokens; 50% at 2048 per sequence, 30% at 4096, 20% at 8192.
    assertThat(plan.phases()).extracting(PhasePlan.Phase::steps).containsExactly(500L, 150L, 50L);
    assertThat(plan.phases()).extracting(PhasePlan.Phase::start).containsExactly(0L, 500L, 650L);
    assertThat(plan.totalSteps()).isEqualTo(700);
    long tokens = plan.phases().stream().mapToLong(p -> p.steps() * p.tokensPerStep()).sum();
    assertThat(tokens).isEqualTo(1000L * 4 * 2 * 2048);
    PhasePlan.Phase last = plan.phases().get(2);
    assertThat(last.seqLen()).isEqualTo(8192);
    assertThat(last.microBatch()).isEqualTo(2);
    assertThat(plan.at(499).name()).isEqualTo("ctx-2k");
    assertThat(plan.at(500).name()).isEqualTo("ctx-4k");
    assertThat(plan.at(10_000).name()).isEqualTo("ctx-8k");
    // No phase sets a schedule: one cosine over all 700 steps, warmup once.
    assertThat(plan.phases())
        .allSatisfy(
            p -> {
              assertThat(p.scheduleStart()).isZero();
              assertThat(p.scheduleSteps()).isEqualTo(700);
              assertThat(p.warmupSteps()).isEqualTo(100);
            });
  }

  @Test
  void aPhaseWithItsOwnRateRestartsTheScheduleAtItsFirstStep() {
    Preset p =
        PresetLoader.parse(
            BASE
                + """
          phases:
            - {name: language, steps: 300}
            - {name: code, data: code-ds, steps: 200, lr: 1.0e-5, warmup_steps: 20}
        """,
            "t.yaml");
    PhasePlan plan = PhasePlan.of(p);
    PhasePlan.Phase code = plan.phases().get(1);
    assertThat(code.data()).isEqualTo("code-ds");
    assertThat(code.scheduleStart()).isEqualTo(300);
    assertThat(code.scheduleSteps()).isEqualTo(200);
    assertThat(code.lr()).isEqualTo(1e-5);
    assertThat(code.minLr()).isCloseTo(1e-6, within(1e-18)); // lr / 10 when only lr is given
    assertThat(code.warmupSteps()).isEqualTo(20);
    assertThat(code.seqLen()).isEqualTo(2048);
    PhasePlan.Phase language = plan.phases().get(0);
    assertThat(language.scheduleSteps()).isEqualTo(500); // the run's schedule spans both phases
    assertThat(language.lr()).isEqualTo(3e-4);
  }

  @Test
  void withoutPhasesThePlanIsTheTrainingSection() {
    Preset p = PresetLoader.parse(BASE, "t.yaml");
    PhasePlan plan = PhasePlan.of(p);
    assertThat(plan.phased()).isFalse();
    assertThat(plan.phases())
        .singleElement()
        .satisfies(
            ph -> {
              assertThat(ph.start()).isZero();
              assertThat(ph.end()).isEqualTo(1000);
              assertThat(ph.seqLen()).isEqualTo(2048);
              assertThat(ph.warmupSteps()).isEqualTo(100);
              assertThat(ph.minLr()).isEqualTo(3e-5);
            });
    assertThat(PresetLoader.toYaml(p)).doesNotContain("phases");
  }

  @Test
  void phasesSurviveTheFrozenCopyInARunFolder() {
    Preset p = PresetLoader.parse(PROGRESSIVE, "t.yaml");
    Preset again = PresetLoader.parse(PresetLoader.toYaml(p), "again");
    assertThat(again.training().phases()).isEqualTo(p.training().phases());
    assertThat(PhasePlan.of(again)).isEqualTo(PhasePlan.of(p));
  }

  @Test
  void aPhaseMaySwitchRopeScaling() {
    Preset p =
        PresetLoader.parse(
            BASE
                + """
          phases:
            - {name: base, steps: 10}
            - name: yarn
              steps: 10
              seq_len: 4096
              rope_scaling: {type: yarn, factor: 2.0, original_context: 2048}
        """,
            "t.yaml");
    List<PhasePlan.Phase> phases = PhasePlan.of(p).phases();
    assertThat(phases.get(0).ropeScaling()).isNull();
    assertThat(phases.get(1).ropeScaling().factor()).isEqualTo(2.0);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // what is broken          | second phase                                             | line
        // | field                               | message contains
        "neither length          | '{name: b}'                                                 | 13 | training.phases[1].steps            | required: steps or token_share",
        "both lengths            | '{name: b, steps: 5, token_share: 0.5}'                     | 13 | training.phases[1].token_share      | not both",
        "seq_len past context    | '{name: b, steps: 5, seq_len: 9000}'                        | 13 | training.phases[1].seq_len          | exceeds the model's context 8192",
        "repeated name           | '{name: a, steps: 5}'                                       | 13 | training.phases[1].name             | names an earlier phase",
        "bad schedule            | '{name: b, steps: 5, schedule: step}'                       | 13 | training.phases[1].schedule         | 'step' is not one of",
        "min_lr above its lr     | '{name: b, steps: 5, lr: 1.0e-5, min_lr: 1.0e-4}'           | 13 | training.phases[1].min_lr           | must be in [0, lr",
        "warmup past its steps   | '{name: b, steps: 5, warmup_steps: 6}'                      | 13 | training.phases[1].warmup_steps     | between 0 and the phase's steps",
        "shares over one         | '{name: b, token_share: 0.8}'                               | 11 | training.phases                     | add up to 1.3",
        "bad rope factor         | '{name: b, steps: 5, rope_scaling: {factor: 0.5, original_context: 2048}}' | 13 | training.phases[1].rope_scaling.factor | must be >= 1",
        "unknown key             | '{name: b, steps: 5, seqlen: 10}'                           | 13 | training.phases[1].seqlen           | unknown key 'seqlen'",
      })
  void aBrokenPhaseIsNamedByItsField(
      String what, String second, int line, String field, String message) {
    String yaml = BASE + "  phases:\n    - {name: a, token_share: 0.5}\n    - " + second + "\n";
    PresetException e =
        catchThrowableOfType(PresetException.class, () -> PresetLoader.parse(yaml, "t.yaml"));
    assertThat(e).as(what).isNotNull();
    assertThat(e.field()).as(what + ": " + e.getMessage()).isEqualTo(field);
    assertThat(e.line()).as(what + ": " + e.getMessage()).isEqualTo(line);
    assertThat(e.getMessage()).contains(message).doesNotContain("\n");
  }

  @Test
  void ropeScalingInAPhaseNeedsRope() {
    String yaml =
        BASE.replace("family: llama", "family: gpt2").replace("context: 8192", "context: 8192")
            + "  phases:\n    - {name: a, steps: 5, rope_scaling: {factor: 2.0, original_context: 2048}}\n";
    PresetException e =
        catchThrowableOfType(PresetException.class, () -> PresetLoader.parse(yaml, "t.yaml"));
    assertThat(e.field()).isEqualTo("training.phases[0].rope_scaling");
  }
}
