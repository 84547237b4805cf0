package dev.anneal.ui.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.AppEnvironment;
import dev.anneal.data.BuildOptions;
import dev.anneal.data.DatasetBuilder;
import dev.anneal.data.sample.Sample;
import dev.anneal.data.sample.SampleKind;
import dev.anneal.task.Cancellation;
import dev.anneal.task.ProgressListener;
import dev.anneal.ui.Screenshots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The Datasets preview of an instruction sample shows which of its tokens are trained. */
@ExtendWith(ApplicationExtension.class)
class DatasetChatPreviewTest {
  @TempDir static Path tmp;
  private DatasetContents contents;

  @Start
  void start(Stage stage) throws Exception {
    AppEnvironment.configure();
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(
        src.resolve("chat.jsonl"),
        """
        {"text": "plain language data"}
        {"messages": [{"role": "user", "content": "Reverse a list in Python."}, {"role": "assistant", "content": "Use xs[::-1] or xs.reverse()."}]}
        """);
    Path ds = tmp.resolve("ds");
    new DatasetBuilder(BuildOptions.defaults(), ProgressListener.NONE, Cancellation.none())
        .build(List.of(src), ds);
    contents = new DatasetContents();
    contents.show(DatasetFolder.read(ds));
    Scene scene = new Scene(new javafx.scene.layout.BorderPane(contents.root()), 900, 600);
    for (String css : List.of("light.css", "studio.css")) {
      scene.getStylesheets().add(dev.anneal.ui.StudioApp.class.getResource(css).toExternalForm());
    }
    stage.setScene(scene);
    stage.show();
  }

  @Test
  void aChatSampleShowsItsAssistantTurnAsTrainedAndTheRestAsMasked(FxRobot robot) {
    TableView<Sample> table = contents.samplesTable();
    robot.interact(() -> table.getSelectionModel().select(1));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(table.getSelectionModel().getSelectedItem().kind()).isEqualTo(SampleKind.CHAT);
    TextFlow flow = robot.lookup("#dataset-trained").queryAs(TextFlow.class);
    assertThat(flow.isVisible() || flow.getParent().getParent().isVisible()).isTrue();
    List<String> trained =
        flow.getChildren().stream()
            .map(Text.class::cast)
            .filter(t -> t.getStyleClass().contains("trained-span"))
            .map(Text::getText)
            .toList();
    List<String> masked =
        flow.getChildren().stream()
            .map(Text.class::cast)
            .filter(t -> t.getStyleClass().contains("masked-span"))
            .map(Text::getText)
            .toList();
    assertThat(trained).containsExactly("Use xs[::-1] or xs.reverse().<|im_end|>\n");
    assertThat(masked)
        .containsExactly(
            "<|im_start|>user\nReverse a list in Python.<|im_end|>\n<|im_start|>assistant\n");
    assertThat(robot.lookup("#dataset-trained-legend").queryAs(Label.class).getText())
        .startsWith("Trained tokens");
    Screenshots.save(table.getScene().getRoot(), "datasets-chat");

    robot.interact(() -> table.getSelectionModel().select(0));
    assertThat(robot.lookup("#dataset-trained-legend").queryAs(Label.class).getText())
        .isEqualTo("Every token of this sample is trained");
  }
}
