package io.scoutbot.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The dependency rules of ARCHITECTURE.md §3, checked on the compiled classes. */
class ArchitectureTest {

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.scoutbot");

  @Test
  void nothingImportsTheCompositionRoot() {
    noClasses().that().resideOutsideOfPackage("io.scoutbot.app..")
        .should().dependOnClassesThat().resideInAPackage("io.scoutbot.app..")
        .check(MAIN);
  }

  @Test
  void theCoreDoesNotDependOnFrontEnds() {
    noClasses().that().resideOutsideOfPackages("io.scoutbot.app..", "io.scoutbot.cli..",
            "io.scoutbot.bot..", "io.scoutbot.web..")
        .should().dependOnClassesThat().resideInAnyPackage("io.scoutbot.cli..",
            "io.scoutbot.bot..", "io.scoutbot.web..")
        .check(MAIN);
  }

  @Test
  void frontEndsOnlyTalkToTheFacade_notToStorageOrDatabaseInternals() {
    noClasses().that().resideInAnyPackage("io.scoutbot.cli..", "io.scoutbot.bot..",
            "io.scoutbot.web..")
        .should().dependOnClassesThat().resideInAnyPackage("io.scoutbot.storage..",
            "io.scoutbot.db..")
        .orShould().dependOnClassesThat().haveSimpleNameStartingWith("Jdbc")
        .orShould().dependOnClassesThat().haveSimpleName("UploadWorkers")
        .orShould().dependOnClassesThat().haveSimpleName("JobRunner")
        .check(MAIN);
  }

  @Test
  void lowLevelCapabilitiesDoNotReachUpward() {
    noClasses().that().resideInAnyPackage("io.scoutbot.resource..", "io.scoutbot.transfer..",
            "io.scoutbot.retry..", "io.scoutbot.config..")
        .should().dependOnClassesThat().resideInAnyPackage("io.scoutbot.files..",
            "io.scoutbot.queue..", "io.scoutbot.catalog..", "io.scoutbot.storage..")
        .check(MAIN);
  }

  @Test
  void noGenericallyNamedPackages() {
    noClasses().should().resideInAnyPackage("..util..", "..utils..", "..service..", "..impl..",
            "..manager..", "..common..", "..helper..")
        .check(MAIN);
  }

  @Test
  void everyPackageHasAPackageInfo() throws IOException {
    Path root = Path.of("src/main/java");
    try (Stream<Path> dirs = Files.walk(root)) {
      List<Path> missing =
          dirs.filter(Files::isDirectory)
              .filter(d -> hasJava(d))
              .filter(d -> !Files.exists(d.resolve("package-info.java")))
              .toList();
      assertThat(missing).as("packages without package-info.java").isEmpty();
    }
  }

  private static boolean hasJava(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(f -> f.toString().endsWith(".java")
          && !f.getFileName().toString().equals("package-info.java"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
