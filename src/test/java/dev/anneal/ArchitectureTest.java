package dev.anneal;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The core knows nothing of JavaFX; only the studio's entry point reaches into the UI. */
class ArchitectureTest {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.anneal");

  @Test
  void nothingOutsideTheUiUsesJavaFx() {
    noClasses().that().resideOutsideOfPackage("dev.anneal.ui..")
        .should().dependOnClassesThat().resideInAPackage("javafx..")
        .check(MAIN);
  }

  @Test
  void theCoreDoesNotDependOnTheUi() {
    noClasses().that().resideOutsideOfPackage("dev.anneal.ui..")
        .and().doNotHaveFullyQualifiedName(Main.class.getName())
        .should().dependOnClassesThat().resideInAPackage("dev.anneal.ui..")
        .check(MAIN);
  }
}
