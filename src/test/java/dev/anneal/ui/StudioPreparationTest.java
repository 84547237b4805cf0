package dev.anneal.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.workspace.SampleWorkspace;
import dev.anneal.workspace.Workspace;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the studio reads before its first frame, off the JavaFX thread. */
class StudioPreparationTest {
  @TempDir Path data;

  @Test
  void aFirstStartOpensTheSampleWorkspaceWithDefaultSettings() throws Exception {
    StudioPreparation.Prepared p = StudioPreparation.prepare(data);
    assertThat(p.settings()).isEqualTo(StudioSettings.DEFAULT);
    assertThat(p.settingsFile()).isEqualTo(data.resolve("studio.json"));
    assertThat(p.workspace().root()).isEqualTo(SampleWorkspace.location(data).toAbsolutePath());
    assertThat(SampleWorkspace.location(data).resolve(Workspace.FILE)).isRegularFile();
  }

  @Test
  void theSavedSettingsNameTheWorkspaceToOpen() throws Exception {
    Path mine = Workspace.open(data.resolve("mine")).root();
    StudioSettings.DEFAULT
        .withTheme("dark")
        .withWorkspace(mine.toString())
        .save(data.resolve("studio.json"));
    StudioPreparation.Prepared p = StudioPreparation.prepare(data);
    assertThat(p.settings().theme()).isEqualTo("dark");
    assertThat(p.workspace().root()).isEqualTo(mine);
  }

  @Test
  void aStartedPreparationIsTakenOnce() throws Exception {
    StudioPreparation.start();
    assertThat(StudioPreparation.take().workspace()).isNotNull();
    // Nothing pending any more: the next take reads again, here and now.
    assertThat(StudioPreparation.take().workspace()).isNotNull();
  }
}
