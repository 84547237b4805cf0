package dev.anneal.ui.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.AppEnvironment;
import dev.anneal.data.secrets.FakeSecrets;
import dev.anneal.ui.task.AwaitableTaskExecutor;
import dev.anneal.workspace.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.scene.Scene;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** A repository with a key in it: the Secrets tab lists file and line, and never the key. */
@ExtendWith(ApplicationExtension.class)
class DatasetsSecretsViewTest {
  @TempDir Path tmp;
  private DatasetsViewModel vm;
  private final AwaitableTaskExecutor tasks = AwaitableTaskExecutor.onFx();

  @Start
  void start(Stage stage) throws Exception {
    AppEnvironment.configure();
    Path repo = SmallRepo.write(tmp.resolve("repo"));
    Files.writeString(
        repo.resolve("settings.py"),
        "# settings\n\nTOKEN = \"" + FakeSecrets.githubToken() + "\"\n");
    vm = new DatasetsViewModel(Workspace.open(tmp.resolve("ws")), tasks);
    vm.settings().sources().setAll(repo);
    vm.settings().vocabSizeProperty().set(300);
    vm.settings().seqLenProperty().set(64);
    stage.setScene(new Scene(new DatasetsView(vm).root(), 1280, 820));
    stage.show();
  }

  @Test
  void secretsAreListedByFileAndLineWithoutTheirText(FxRobot robot) throws Exception {
    robot.clickOn("#dataset-build");
    tasks.awaitIdle(java.time.Duration.ofSeconds(90));
    assertThat(vm.runningProperty().get()).isFalse();
    assertThat(vm.messageProperty().get()).startsWith("Built");
    WaitForAsyncUtils.waitForFxEvents();
    TabPane tabs = robot.lookup("#dataset-tabs").queryAs(TabPane.class);
    assertThat(tabs.getTabs().getLast().getText()).isEqualTo("Secrets (1, masked)");
    robot.clickOn("#tab-secrets");
    TableView<?> table = robot.lookup("#dataset-secrets").queryAs(TableView.class);
    assertThat(table.getItems())
        .singleElement()
        .satisfies(
            s -> {
              DatasetFolder.Secret secret = (DatasetFolder.Secret) s;
              assertThat(secret.place()).isEqualTo("settings.py:3");
              assertThat(secret.kind()).isEqualTo("github_token");
            });
    String shown =
        robot.lookup("#dataset-secrets .table-row-cell").queryAll().stream()
            .map(
                n -> n.lookupAll(".text").stream().map(Object::toString).reduce("", String::concat))
            .reduce("", String::concat);
    assertThat(shown).contains("settings.py:3").doesNotContain(FakeSecrets.githubToken());
  }
}
