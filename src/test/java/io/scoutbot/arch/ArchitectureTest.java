package io.scoutbot.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

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
  void frontEnds_neverImportTheQueueCatalogStorageDatabaseOrGovernor() {
    noClasses().that().resideInAnyPackage("io.scoutbot.cli..", "io.scoutbot.bot..",
            "io.scoutbot.web..")
        .should().dependOnClassesThat().resideInAnyPackage("io.scoutbot.queue..",
            "io.scoutbot.catalog..", "io.scoutbot.storage..", "io.scoutbot.db..",
            "io.scoutbot.resource..")
        .check(MAIN);
  }

  /**
   * Stricter than the rule above: of the core, a front end sees only the facade ({@code files}),
   * its configuration and the root failure type; the bot also its Telegram transport.
   */
  @Test
  void frontEnds_importOnlyTheFacade_theirConfig_andTheRootFailure() {
    onlyCore("io.scoutbot.cli..", "io.scoutbot.cli..");
    onlyCore("io.scoutbot.web..", "io.scoutbot.web..");
    onlyCore("io.scoutbot.bot..", "io.scoutbot.bot..", "io.scoutbot.telegram..");
  }

  private static void onlyCore(String frontEnd, String... own) {
    List<String> allowed = new java.util.ArrayList<>(List.of(own));
    allowed.addAll(List.of("io.scoutbot.files..", "io.scoutbot.config..", "io.scoutbot.retry.."));
    noClasses().that().resideInAPackage(frontEnd)
        .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
            "core classes outside " + allowed,
            (com.tngtech.archunit.core.domain.JavaClass c) ->
                c.getPackageName().startsWith("io.scoutbot.")
                    && allowed.stream().noneMatch(a -> c.getPackageName()
                        .startsWith(a.substring(0, a.length() - 2)))))
        .allowEmptyShould(true)
        .check(MAIN);
  }

  @Test
  void lowLevelCapabilitiesDoNotReachUpward() {
    noClasses().that().resideInAnyPackage("io.scoutbot.resource..", "io.scoutbot.transfer..",
            "io.scoutbot.retry..", "io.scoutbot.config..", "io.scoutbot.time..",
            "io.scoutbot.fetch..", "io.scoutbot.cleanup..", "io.scoutbot.health..",
            "io.scoutbot.download..", "io.scoutbot.safety..", "io.scoutbot.telegram..")
        .should().dependOnClassesThat().resideInAnyPackage("io.scoutbot.files..",
            "io.scoutbot.queue..", "io.scoutbot.catalog..", "io.scoutbot.storage..")
        .check(MAIN);
  }

  @Test
  void theQueueDoesNotKnowTheFacadeAboveIt() {
    noClasses().that().resideInAnyPackage("io.scoutbot.queue..", "io.scoutbot.catalog..",
            "io.scoutbot.storage..", "io.scoutbot.db..")
        .should().dependOnClassesThat().resideInAPackage("io.scoutbot.files..")
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
