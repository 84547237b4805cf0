package dev.anneal;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The layers, as a test can see them: the studio ({@code ui}) and the command line ({@code cli}) on
 * top; under them the services that do the work (train, infer, export, sweep, runs, workspace);
 * under those the core they share (model, data, tokenizer, preset, metrics, engine, io, task). A
 * lower layer never reaches up, so the core knows nothing of JavaFX, the command line or training.
 * Only the studio's entry point reaches into the UI.
 */
class ArchitectureTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.anneal");

  static final ArchRule LAYERS =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .layer("UI")
          .definedBy("dev.anneal.ui..")
          .layer("CLI")
          .definedBy("dev.anneal.cli..")
          .layer("Services")
          .definedBy(
              "dev.anneal.train..",
              "dev.anneal.infer..",
              "dev.anneal.export..",
              "dev.anneal.sweep..",
              "dev.anneal.runs..",
              "dev.anneal.workspace..")
          .layer("Core")
          .definedBy(
              "dev.anneal.model..",
              "dev.anneal.data..",
              "dev.anneal.tokenizer..",
              "dev.anneal.preset..",
              "dev.anneal.metrics..",
              "dev.anneal.engine..",
              "dev.anneal.io..",
              "dev.anneal.task..")
          .whereLayer("UI")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("CLI")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("Services")
          .mayOnlyBeAccessedByLayers("UI", "CLI")
          .whereLayer("Core")
          .mayOnlyBeAccessedByLayers("Services", "UI", "CLI");

  /** Inference serves training (evaluation, comparison), never the other way round. */
  static final ArchRule INFER_WITHOUT_TRAIN =
      noClasses()
          .that()
          .resideInAPackage("dev.anneal.infer..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.anneal.train..");

  /**
   * The dataset build uses the extractors, so the extractors must not use the build: both share the
   * sample vocabulary in {@code data.sample}.
   */
  static final ArchRule EXTRACT_BELOW_DATA =
      noClasses()
          .that()
          .resideInAPackage("dev.anneal.data.extract..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.anneal.data");

  @Test
  void nothingOutsideTheUiUsesJavaFx() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.anneal.ui..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("javafx..")
        .check(MAIN);
  }

  /**
   * The studio's background work goes through its task executor: no ViewModel or view starts a
   * thread or a pool of its own. Read in the sources, where the forms to avoid are plain to see.
   */
  @Test
  void theStudioStartsThreadsOnlyInItsTaskExecutor() throws java.io.IOException {
    java.nio.file.Path ui = java.nio.file.Path.of("src/main/java/dev/anneal/ui");
    java.nio.file.Path executor = ui.resolve("task/FxTaskExecutor.java");
    java.util.List<String> forbidden =
        java.util.List.of(
            "new Thread(",
            "Thread.ofPlatform",
            "Thread.ofVirtual",
            "Executors.",
            "Workers",
            "supplyAsync(",
            "runAsync(",
            "new Timer(");
    java.util.List<String> found = new java.util.ArrayList<>();
    try (var files = java.nio.file.Files.walk(ui)) {
      for (java.nio.file.Path f :
          files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        if (f.equals(executor)) continue;
        String text = java.nio.file.Files.readString(f);
        forbidden.stream().filter(text::contains).forEach(s -> found.add(f + ": " + s));
      }
    }
    org.assertj.core.api.Assertions.assertThat(executor).isRegularFile();
    org.assertj.core.api.Assertions.assertThat(found)
        .as("background work outside the task executor")
        .isEmpty();
  }

  @Test
  void theCoreDoesNotDependOnTheUi() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.anneal.ui..")
        .and()
        .doNotHaveFullyQualifiedName(Main.class.getName())
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.anneal.ui..")
        .check(MAIN);
  }

  @Test
  void uiAndCommandLineOverServicesOverTheCore() {
    LAYERS.check(MAIN);
  }

  @Test
  void inferenceDoesNotDependOnTraining() {
    INFER_WITHOUT_TRAIN.check(MAIN);
  }

  @Test
  void theExtractorsDoNotDependOnTheDatasetBuild() {
    EXTRACT_BELOW_DATA.check(MAIN);
  }
}
