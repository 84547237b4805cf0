package dev.anneal.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.ui.task.AwaitableTaskExecutor;
import dev.anneal.workspace.Workspace;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shell's state: where it opens, and what a change of workspace resets. */
class ShellViewModelTest {
  @Test
  void opensOnTrain(@TempDir Path dir) {
    assertThat(
            new ShellViewModel(Workspace.open(dir.resolve("a")), AwaitableTaskExecutor.direct())
                .sectionProperty()
                .get())
        .isEqualTo("Train");
  }

  @Test
  void anotherWorkspaceForgetsTheRunShownAndGoesFirstInTheRecentList(@TempDir Path dir) {
    ShellViewModel vm =
        new ShellViewModel(Workspace.open(dir.resolve("a")), AwaitableTaskExecutor.direct());
    vm.openRun(dir.resolve("a/runs/nano-1"));
    vm.openWorkspace(dir.resolve("b"));
    assertThat(vm.runProperty().get()).isNull();
    assertThat(vm.resumeRequestProperty().get()).isNull();
    assertThat(vm.recent()).containsExactly(dir.resolve("b"), dir.resolve("a"));
    vm.openWorkspace(dir.resolve("a"));
    assertThat(vm.recent()).containsExactly(dir.resolve("a"), dir.resolve("b"));
    for (int i = 0; i < 12; i++) vm.openWorkspace(dir.resolve("w" + i));
    assertThat(vm.recent()).hasSize(StudioSettings.RECENT).startsWith(dir.resolve("w11"));
  }

  @Test
  void theRecentListSurvivesARestart(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("studio.json");
    StudioSettings.DEFAULT.withRecent(java.util.List.of("/x", "/y")).save(file);
    assertThat(StudioSettings.load(file).recent()).containsExactly("/x", "/y");
  }
}
