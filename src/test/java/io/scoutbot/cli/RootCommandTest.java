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
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The root's lazily built command tree: the table behind the root's help stays equal to the real
 * commands, and a command line builds only the commands it names, with the same output as the
 * tree picocli makes from annotations (the root as it was declared before its model was built in
 * code, and every subcommand).
 */
class RootCommandTest {

  /** The root as an annotated class: the reference the model built in code must match. */
  @CommandLine.Command(
      name = "scoutbot",
      mixinStandardHelpOptions = true,
      versionProvider = RootCommand.Version.class,
      description = "Stores users' files in Pentaract (or a local directory) without overloading"
          + " the host.",
      footer = {
        "",
        "Exit codes: 0 success, 1 the operation failed, 2 bad usage or bad configuration.",
        "Settings come from the environment and ./.env; see README.md."
      })
  static final class AnnotatedRoot implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "a command is required (try 'scoutbot --help')");
    }
  }

  @TempDir Path work;

  private record Run(int exit, String out, String err) {}

  private static Run run(CommandLine cl, StringWriter out, StringWriter err, String... args) {
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static RootCommand root(StringWriter out, StringWriter err) {
    return new RootCommand(v -> {
      throw new AssertionError("no command here needs the application");
    }, new PrintWriter(out), new PrintWriter(err));
  }

  /** As the CLI runs: only the named subcommands built. */
  private static Run lazily(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    return run(RootCommand.commandLine(root(out, err), args), out, err, args);
  }

  /** With every subcommand built, as if the command line named them all. */
  private static Run fully(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = RootCommand.SUBCOMMANDS.stream().map(RootCommand.Subcommand::name)
        .toArray(String[]::new);
    return run(RootCommand.commandLine(root(out, err), all), out, err, args);
  }

  /**
   * The root built in code, or picocli's model of the annotated root, each with the subcommands as
   * placeholders (theirs expect the real root as their parent) except {@code help}.
   */
  private static Run withPlaceholders(boolean annotated, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = annotated ? new CommandLine(new AnnotatedRoot())
        : new CommandLine(root(out, err).spec());
    for (RootCommand.Subcommand s : RootCommand.SUBCOMMANDS) {
      if (s.name().equals("help")) {
        cl.addSubcommand(s.name(), s.type());
      } else {
        CommandLine.Model.CommandSpec placeholder =
            CommandLine.Model.CommandSpec.create().name(s.name());
        placeholder.usageMessage().description(s.summary());
        cl.addSubcommand(s.name(), placeholder);
      }
    }
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return run(cl, out, err, args);
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
  void rootBuiltInCode_printsWhatTheAnnotatedRootPrinted() {
    for (String line : List.of("", "-h", "--help", "-V", "--version", "-V list", "lst", "help",
        "help nosuch", "--bogus", "-v", "--json")) {
      String[] args = line.isEmpty() ? new String[0] : line.split(" ");

      assertThat(withPlaceholders(false, args)).as(line)
          .isEqualTo(withPlaceholders(true, args));
    }
    assertThat(withPlaceholders(false, "--help").out())
        .contains("Usage: scoutbot [-hV] [COMMAND]", "  -V, --version   Print version",
            "  list      List your stored files, newest first.", "Exit codes: 0 success");
  }

  @Test
  void onlyTheNamedSubcommandsBuilt_printsWhatEverySubcommandBuiltPrints() {
    for (String line : List.of("", "--help", "lst", "help", "help list", "help nosuch",
        "list --bogus", "config chek", "status --help", "-V", "--bogus", "queue --limit x")) {
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
