package dev.anneal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AppEnvironmentTest {
  @Test
  void configureTurnsDjlOfflineAndPutsItsCacheUnderTheDataFolder() {
    AppEnvironment.configure();
    assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
    assertThat(Path.of(System.getProperty("DJL_CACHE_DIR")))
        .isEqualTo(AppEnvironment.dataDir().resolve("djl"));
  }

  @Test
  void theStudioStartWorksOutTheEnginePlanInTheBackgroundAndWaitsForIt() {
    AppEnvironment.configureInBackground();
    assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
    assertThat(AppEnvironment.enginePlan()).isNotNull();
  }

  @Test
  void dataFolderFollowsTheAnnealHomeProperty() {
    // Surefire sets anneal.home so tests never touch the user's folder.
    assertThat(AppEnvironment.dataDir().toString()).endsWith("test-home");
  }
}
