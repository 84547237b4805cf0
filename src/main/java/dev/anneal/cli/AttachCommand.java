package dev.anneal.cli;

import dev.anneal.metrics.MetricPoint;
import dev.anneal.metrics.MetricsJson;
import dev.anneal.metrics.RunEvent;
import dev.anneal.metrics.RunFollower;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code anneal attach DIR}: follows a run folder (Anneal's, a DeepSpeed bundle's, or any HF
 * Trainer output) and prints each new point and event until interrupted, or once with {@code
 * --once}.
 */
@Command(
    name = "attach",
    description = {
      "Follow a run folder as it grows and print each new point.",
      "Reads metrics.jsonl/events.jsonl (Anneal, DeepSpeed bundles) or an HF Trainer's"
          + " trainer_state.json (top level or newest checkpoint-N/)."
    })
final class AttachCommand implements Runnable {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DIR", description = "The run folder (local or mounted).")
  Path dir;

  @Option(
      names = "--json",
      description =
          "One JSON object per line: points as in metrics.jsonl,"
              + " events as in events.jsonl (they have a \"kind\").")
  boolean json;

  @Option(names = "--once", description = "Print what is there now and exit.")
  boolean once;

  @Option(
      names = "--interval",
      paramLabel = "MS",
      defaultValue = "2000",
      description = "Milliseconds between polls (default ${DEFAULT-VALUE}).")
  long intervalMs;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    RunFollower follower = new RunFollower(dir);
    try {
      print(out, follower.poll());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(dir + ": " + e.getMessage(), e);
    }
    if (once) return;
    PrintWriter err = spec.commandLine().getErr();
    follower.start(
        new RunFollower.Listener() {
          @Override
          public void onUpdate(RunFollower.Update update) {
            print(out, update);
          }

          @Override
          public void onError(Exception e) {
            err.println("anneal: warning: " + e.getMessage());
            err.flush();
          }
        },
        Duration.ofMillis(Math.max(10, intervalMs)));
    try {
      new CountDownLatch(1).await(); // until Ctrl-C ends the process
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      follower.close();
    }
  }

  private synchronized void print(PrintWriter out, RunFollower.Update update) {
    for (MetricPoint p : update.points()) out.println(json ? MetricsJson.line(p) : text(p));
    for (RunEvent e : update.events()) out.println(json ? MetricsJson.line(e) : text(e));
    out.flush();
  }

  /** "step 120 loss 2.3451 lr 4.90e-05 grad 0.912 ..." with only the values present. */
  static String text(MetricPoint p) {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "step %7d", p.step()));
    add(s, "loss", p.loss(), "%.4f");
    add(s, "val_loss", p.valLoss(), "%.4f");
    add(s, "ppl", p.ppl(), "%.3f");
    add(s, "lr", p.lr(), "%.3e");
    add(s, "grad", p.gradNorm(), "%.3f");
    add(s, "epoch", p.epoch(), "%.2f");
    if (p.tokens() != null) s.append("  tokens ").append(Format.count(p.tokens()));
    add(s, "tok/s", p.tokensPerS(), "%.0f");
    if (p.mfu() != null) add(s, "mfu%", 100 * p.mfu(), "%.1f");
    if (p.deviceMemBytes() != null) s.append("  mem ").append(Format.gb(p.deviceMemBytes()));
    add(s, "cost", p.cost(), "%.2f");
    return s.toString();
  }

  static String text(RunEvent e) {
    return String.format(Locale.ROOT, "step %7d  [%s] %s", e.step(), e.kind(), e.message());
  }

  private static void add(StringBuilder s, String name, Double v, String format) {
    if (v != null)
      s.append("  ").append(name).append(' ').append(String.format(Locale.ROOT, format, v));
  }
}
