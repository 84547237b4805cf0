package dev.anneal.ui.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.infer.InferFixtures;
import dev.anneal.ui.task.AwaitableTaskExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.text.TextFlow;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Generate with two tiny models by pressing the buttons, evaluate a file, save a screenshot. */
@ExtendWith(ApplicationExtension.class)
class CompareViewTest {
  @TempDir static Path tmp;
  static Path base;
  static Path adapter;
  static CompareViewModel vm;

  @BeforeAll
  static void models() throws Exception {
    Path tok = InferFixtures.tokenizer(tmp);
    base = InferFixtures.hfModel(tmp.resolve("base"), tok, 11);
    adapter = InferFixtures.adapter(tmp.resolve("adapter"), 5);
  }

  static final AwaitableTaskExecutor tasks = AwaitableTaskExecutor.onFx();

  @AfterAll
  static void close() {
    if (vm != null) vm.close();
  }

  @Start
  void start(Stage stage) {
    if (vm != null) vm.close();
    vm = new CompareViewModel(tmp, tmp.resolve("runs"), tasks);
    vm.baseModelProperty().set(base.toString());
    vm.tunedModelProperty().set(adapter.toString());
    vm.sampling().maxTokensProperty().set(40);
    // The tiny test models have a context of 64 tokens: a short prompt leaves room to generate.
    vm.sampling().promptProperty().set("// Payment processing\npub fn validate_payment_method");
    stage.setScene(new Scene(new CompareView(vm).root(), 1280, 820));
    stage.show();
  }

  void awaitIdle(FxRobot robot) throws Exception {
    tasks.awaitIdle(java.time.Duration.ofSeconds(60));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(robot.lookup("#generate").queryButton().isDisabled()).isFalse();
  }

  @Test
  void generateStreamsBothPanesThenEvaluateColoursTheText(FxRobot robot) throws Exception {
    robot.clickOn("#generate");
    awaitIdle(robot);
    TextArea baseOut = robot.lookup("#base-output").queryAs(TextArea.class);
    TextArea tunedOut = robot.lookup("#tuned-output").queryAs(TextArea.class);
    assertThat(baseOut.getText()).as(vm.statusProperty().get()).isNotEmpty();
    assertThat(tunedOut.getText()).isNotEmpty().isNotEqualTo(baseOut.getText());
    assertThat(robot.lookup("#tuned-speed").queryAs(Label.class).getText()).endsWith("tokens/s");

    Path file = tmp.resolve("sample.rs");
    Files.writeString(
        file,
        "pub fn validate_payment_3(amount: u64) -> Result<u64, Error> {\n"
            + "    let fee = amount * 3 / 100;\n    Ok(amount - fee)\n}\n");
    robot.clickOn("#eval-source").write(file.toString());
    robot.clickOn("#evaluate");
    awaitIdle(robot);
    assertThat(robot.lookup("#improvement").queryAs(Label.class).getText())
        .startsWith("Loss improvement: ");
    TextFlow flow = robot.lookup("#per-token").queryAs(TextFlow.class);
    assertThat(flow.getChildren()).isNotEmpty();
    // The whole file is there, its first token included (uncoloured: nothing predicts it).
    String shown =
        flow.getChildren().stream()
            .map(n -> n instanceof Label l ? l.getText() : ((javafx.scene.text.Text) n).getText())
            .collect(java.util.stream.Collectors.joining());
    assertThat(shown).isEqualTo(Files.readString(file));
    Label first =
        (Label)
            flow.getChildren().stream()
                .filter(n -> n instanceof Label)
                .skip(1)
                .findFirst()
                .orElseThrow();
    String byDifference = first.getStyle();
    robot.clickOn("#colour-base");
    WaitForAsyncUtils.waitForFxEvents();
    Label again =
        (Label)
            flow.getChildren().stream()
                .filter(n -> n instanceof Label)
                .skip(1)
                .findFirst()
                .orElseThrow();
    assertThat(again.getStyle()).isNotEqualTo(byDifference);
    robot.clickOn("#colour-difference");
  }

  @Test
  void theHeaderKeepsItsTitlesWholeAfterAPick(FxRobot robot) {
    robot.interact(
        () -> {
          vm.baseModelProperty()
              .set(
                  tmp.resolve("runs/a-very-long-run-name-20261204-101500/checkpoints/step-000030")
                      .toString());
          vm.tunedModelProperty()
              .set(tmp.resolve("runs/another-long-run-name-20261204-111500").toString());
        });
    WaitForAsyncUtils.waitForFxEvents();
    for (String id : java.util.List.of("#base-model-label", "#tuned-model-label")) {
      Label l = robot.lookup(id).queryAs(Label.class);
      javafx.scene.text.Text drawn = (javafx.scene.text.Text) l.lookup(".text");
      assertThat(drawn.getText()).as(id).isEqualTo(l.getText());
    }
    assertThat(vm.choiceLabel(tmp.resolve("runs/r1/checkpoints/step-000002").toString()))
        .isEqualTo(java.nio.file.Path.of("r1", "checkpoints", "step-000002").toString());
  }

  @Test
  void aDatasetEvaluationLeavesColourByOffWithAHint(FxRobot robot) {
    assertThat(
            robot
                .lookup("#colour-base")
                .queryAs(javafx.scene.control.ToggleButton.class)
                .isDisabled())
        .isTrue();
    assertThat(robot.lookup("#per-token-hint").queryAs(Label.class).getText())
        .contains("text file");
  }
}
