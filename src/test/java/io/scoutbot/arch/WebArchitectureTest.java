package io.scoutbot.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The web front end talks to the core only through its own ports, which the composition root wires
 * (ARCHITECTURE.md §3): besides the JDK, its HTTP server, Jackson and SLF4J, it may use the facade
 * and its own config record (with the {@code Secret} its token comes in), nothing else of ScoutBot.
 */
@Timeout(60)
class WebArchitectureTest {

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.scoutbot");

  @Test
  void theWebFrontEnd_usesOnlyItsPortsTheFacadeAndItsConfigRecord() {
    classes().that().resideInAPackage("io.scoutbot.web..")
        .should().onlyDependOnClassesThat(
            com.tngtech.archunit.base.DescribedPredicate.describe(
                "the JDK, the JDK HTTP server, Jackson, SLF4J, io.scoutbot.web, io.scoutbot.files, "
                    + "HttpConfig and Secret",
                c -> c.getPackageName().startsWith("java.")
                    || c.getPackageName().startsWith("javax.")
                    || c.getPackageName().startsWith("com.sun.net.httpserver")
                    || c.getPackageName().startsWith("com.fasterxml.jackson.")
                    || c.getPackageName().startsWith("org.slf4j")
                    || c.getPackageName().startsWith("io.scoutbot.web")
                    || c.getPackageName().startsWith("io.scoutbot.files")
                    || c.getName().equals("io.scoutbot.config.HttpConfig")
                    || c.getName().equals("io.scoutbot.config.Secret")
                    || c.isPrimitive() || c.isArray()))
        .check(MAIN);
  }
}
