package dev.anneal.metrics;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * One logged step of a run, as a line of {@code metrics.jsonl} (snake_case keys; a value that was
 * not measured is null and left out of the line). The in-process trainer, the DeepSpeed bundle's
 * callback and an HF Trainer's {@code log_history} all come down to this one shape, so the studio
 * draws every run with the same charts.
 *
 * <p>A training log and an evaluation at the same step are two points: the first carries {@code
 * loss}, the second {@code val_loss} and {@code ppl}; charts take each series from the points that
 * have it.
 *
 * @param step optimizer steps done
 * @param tokens training tokens seen so far
 * @param epoch passes over the training set, fractional
 * @param loss training loss (mean cross-entropy, nats per token)
 * @param valLoss validation loss
 * @param ppl validation perplexity, exp(val_loss)
 * @param lr learning rate of this step
 * @param gradNorm global gradient norm before clipping
 * @param tokensPerS training throughput over the last logging interval
 * @param mfu model FLOPs utilisation in [0, 1]
 * @param deviceMemBytes peak accelerator memory of one device
 * @param hostMemBytes resident host memory of the training process
 * @param expertLoad per layer, per expert: the fraction of routed tokens (rows sum to 1)
 * @param routerEntropy per layer: the mean entropy of the router's distribution, nats
 * @param cost money spent so far, in the preset's currency
 * @param valLossByLanguage validation loss over the targets of each language's documents (language
 *     id to nats per token), on evaluation points of datasets that record their validation
 *     documents' languages
 */
public record MetricPoint(
    long step,
    Long tokens,
    Double epoch,
    Double loss,
    Double valLoss,
    Double ppl,
    Double lr,
    Double gradNorm,
    Double tokensPerS,
    Double mfu,
    Long deviceMemBytes,
    Long hostMemBytes,
    List<List<Double>> expertLoad,
    List<Double> routerEntropy,
    Double cost,
    java.util.Map<String, Double> valLossByLanguage) {

  public MetricPoint {
    valLossByLanguage =
        valLossByLanguage == null || valLossByLanguage.isEmpty()
            ? null
            : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(valLossByLanguage));
    expertLoad = expertLoad == null ? null : expertLoad.stream().map(List::copyOf).toList();
    routerEntropy = routerEntropy == null ? null : List.copyOf(routerEntropy);
  }

  /** A training-log point: loss, learning rate and gradient norm at a step. */
  public static MetricPoint train(long step, double loss, Double lr, Double gradNorm) {
    return new MetricPoint(
        step, null, null, loss, null, null, lr, gradNorm, null, null, null, null, null, null, null,
        null);
  }

  /** An evaluation point: validation loss and its perplexity at a step. */
  public static MetricPoint eval(long step, double valLoss) {
    return eval(step, valLoss, null);
  }

  /** An evaluation point with the validation loss of each language (null or empty: none). */
  public static MetricPoint eval(
      long step, double valLoss, java.util.Map<String, Double> byLanguage) {
    return new MetricPoint(
        step,
        null,
        null,
        null,
        valLoss,
        Math.exp(valLoss),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        byLanguage);
  }

  /** Whether this point holds an evaluation rather than a training log. */
  @JsonIgnore
  public boolean isEval() {
    return valLoss != null && loss == null;
  }
}
