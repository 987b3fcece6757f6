package io.scoutbot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The root's lazily built command tree: the table behind the root's help stays equal to the real
 * commands, and a command line builds only the commands it names, with the same output as the full
 * tree.
 */
class RootCommandTest {

  @TempDir Path work;

  private record Run(int exit, String out, String err) {}

  private static Run run(Function<RootCommand, CommandLine> model, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    RootCommand root = new RootCommand(v -> {
      throw new AssertionError("no command here needs the application");
    }, new PrintWriter(out), new PrintWriter(err));
    int exit = model.apply(root).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static Run lazily(String... args) {
    return run(root -> RootCommand.commandLine(root, args), args);
  }

  private static Run fully(String... args) {
    return run(RootCommand::fullCommandLine, args);
  }

  private static Map<String, Object> builtCommands(String... args) {
    RootCommand root = new RootCommand(v -> null, new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()));
    Map<String, Object> built = new TreeMap<>();
    RootCommand.commandLine(root, args).getSubcommands().forEach((name, cl) -> {
      if (cl.getCommand() != null) {
        built.put(name, cl.getCommand());
      }
    });
    return built;
  }

  @Test
  void table_namesEachCommandAsItsAnnotationDoes_withTheFirstLineOfItsDescription() {
    for (RootCommand.Subcommand s : RootCommand.SUBCOMMANDS) {
      CommandLine.Model.CommandSpec spec = new CommandLine(s.type()).getCommandSpec();
      String[] header = spec.usageMessage().header();
      String[] shown = header.length > 0 ? header : spec.usageMessage().description();
      assertThat(spec.name()).as(s.type().getName()).isEqualTo(s.name());
      assertThat(shown[0]).as(s.name()).isEqualTo(s.summary());
    }
  }

  @Test
  void table_listsEveryTopLevelCommandClassOfThePackage() {
    Set<String> commands = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.scoutbot.cli").stream()
        .filter(c -> c.isAnnotatedWith(CommandLine.Command.class))
        .filter(c -> c.getEnclosingClass().isEmpty())
        .filter(c -> !c.isEquivalentTo(RootCommand.class))
        .map(JavaClass::getName)
        .collect(Collectors.toSet());

    assertThat(RootCommand.SUBCOMMANDS.stream().map(s -> s.type().getName())
        .filter(n -> n.startsWith("io.scoutbot.cli.")))
        .containsExactlyInAnyOrderElementsOf(commands);
  }

  @Test
  void rootHelp_isTheSameAsWithEveryCommandBuilt() {
    Run lazy = lazily("--help");

    assertThat(lazy.exit()).isZero();
    assertThat(lazy.out()).contains("Commands:", "  list      List your stored files, newest first.")
        .isEqualTo(fully("--help").out());
  }

  @Test
  void usageErrorsAndHelpOfACommand_areTheSameAsWithEveryCommandBuilt() {
    for (String line : List.of("", "lst", "help", "help list", "help nosuch", "list --bogus",
        "config chek", "status --help", "-V", "--bogus")) {
      String[] args = line.isEmpty() ? new String[0] : line.split(" ");

      assertThat(lazily(args)).as(line).isEqualTo(fully(args));
    }
  }

  @Test
  void aCommandLine_buildsOnlyTheCommandsItNames() {
    assertThat(builtCommands("list", "--json").keySet()).containsExactly("list");
    assertThat(builtCommands("help", "status").keySet()).containsExactly("help", "status");
    assertThat(builtCommands("--help")).isEmpty();
    assertThat(builtCommands("list", "--json").get("list")).isInstanceOf(ListCommand.class);
  }

  @Test
  void anArgumentFile_buildsEveryCommand_sinceItMayNameAny() throws Exception {
    Path args = Files.writeString(work.resolve("args"), "list\n--json\n");

    assertThat(builtCommands("@" + args).keySet())
        .containsExactlyInAnyOrderElementsOf(
            RootCommand.SUBCOMMANDS.stream().map(RootCommand.Subcommand::name).toList());
  }
}
