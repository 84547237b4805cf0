package dev.anneal.ui.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.task.CancelledException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javafx.application.Platform;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;

/** A background task's work runs off the FX thread, its callbacks on it, in order, once. */
class BackgroundTaskTest {
  private final AwaitableTaskExecutor tasks = AwaitableTaskExecutor.onFx();

  /** What ran, each entry marked with whether it ran on the FX thread. */
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void toolkit() throws Exception {
    FxToolkit.registerPrimaryStage();
  }

  private void saw(String what) {
    seen.add(what + (Platform.isFxApplicationThread() ? "@fx" : "@worker"));
  }

  private <T> BackgroundTask<T> recorded(BackgroundTask<T> task) {
    return task.onRunning(() -> saw("running"))
        .onSuccess(v -> saw("success " + v))
        .onFailure(m -> saw("failure " + m))
        .onCancelled(() -> saw("cancelled"))
        .onFinished(() -> saw("finished"));
  }

  @Test
  void successHandsTheValueAndTheProgressToTheFxThreadInOrder() throws Exception {
    CompletableFuture<Integer> done =
        tasks.execute(
            recorded(
                BackgroundTask.of(
                    "sum",
                    ctx -> {
                      saw("work");
                      Consumer<Integer> progress = ctx.latest(p -> saw("progress " + p));
                      int sum = 0;
                      for (int i = 1; i <= 100; i++) {
                        sum += i;
                        progress.accept(i);
                      }
                      return sum;
                    })));
    assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo(5050);
    assertThat(seen).contains("work@worker");
    // The work does not wait for onRunning, but on the FX thread it comes first.
    assertThat(seen.stream().filter(s -> s.endsWith("@fx")).findFirst()).hasValue("running@fx");
    // Coalesced: however many updates, the newest one arrives, before the ending.
    assertThat(seen.subList(seen.size() - 3, seen.size()))
        .containsExactly("progress 100@fx", "success 5050@fx", "finished@fx");
    assertThat(seen).filteredOn(s -> s.startsWith("progress")).hasSizeLessThanOrEqualTo(100);
  }

  @Test
  void aFailureIsOneLineAndFailsTheFuture() throws Exception {
    CompletableFuture<Object> done =
        tasks.execute(
            recorded(
                BackgroundTask.of(
                    "read",
                    ctx -> {
                      throw new IOException("data/train.bin: no such file\n\tat somewhere");
                    })));
    assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IOException.class);
    assertThat(seen)
        .containsExactly("running@fx", "failure data/train.bin: no such file@fx", "finished@fx");
  }

  @Test
  void cancellingStopsTheWorkAtItsNextCheckAndIsNotAFailure() throws Exception {
    CountDownLatch working = new CountDownLatch(1);
    BackgroundTask<Integer> task =
        recorded(
            BackgroundTask.of(
                "loop",
                ctx -> {
                  working.countDown();
                  for (int i = 0; ; i++) {
                    ctx.cancellation().check();
                    Thread.onSpinWait();
                  }
                }));
    CompletableFuture<Integer> done = tasks.execute(task);
    assertThat(working.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(task.isCancelled()).isFalse();
    task.cancel();
    assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(CancelledException.class);
    assertThat(task.awaitWorkEnd(Duration.ZERO)).isTrue();
    assertThat(seen).containsExactly("running@fx", "cancelled@fx", "finished@fx");
  }

  @Test
  void theExecutorCanBeAwaitedAcrossTasksThatStartTasks() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    tasks.execute(
        BackgroundTask.of(
                "first",
                ctx -> {
                  release.await();
                  return 1;
                })
            .onSuccess(
                v ->
                    tasks.execute(
                        BackgroundTask.of("second", ctx -> 2).onSuccess(w -> saw("second " + w)))));
    assertThatThrownBy(() -> tasks.awaitIdle(Duration.ofMillis(50)))
        .isInstanceOf(java.util.concurrent.TimeoutException.class);
    release.countDown();
    tasks.awaitIdle(Duration.ofSeconds(10));
    assertThat(seen).containsExactly("second 2@fx");
  }

  @Test
  void aFailureReadsAsItsFirstLineThroughWrappers() {
    assertThat(
            BackgroundTask.oneLine(new UncheckedIOException(new IOException("a.json: bad\nmore"))))
        .isEqualTo("a.json: bad");
    assertThat(
            BackgroundTask.oneLine(
                new java.util.concurrent.CompletionException(new IllegalStateException("busy"))))
        .isEqualTo("busy");
    assertThat(BackgroundTask.oneLine(new IllegalStateException()))
        .isEqualTo("IllegalStateException");
  }
}
