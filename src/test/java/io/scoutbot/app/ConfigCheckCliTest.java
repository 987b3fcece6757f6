package io.scoutbot.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code scoutbot config check [FILE]} as an operator and a script see it: lines, JSON, exit codes. */
@Timeout(60)
class ConfigCheckCliTest {

  @TempDir Path work;

  record Run(int exit, String out, String err) {}

  private Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, env, work, new PrintWriter(out), new PrintWriter(err));
    return new Run(exit, out.toString(), err.toString());
  }

  private Path envFile(String content) throws IOException {
    return Files.writeString(work.resolve("python.env"), content);
  }

  @Test
  void goodFile_exits0_andReportsEachKeyOnALine() throws IOException {
    Path file = envFile("PENTARACT_API_URL=http://pentaract:8547/api\nPENTARACT_TIMOUT=60\n"
        + "BOT_TOKEN=123:SECRET\nTELEGRAM_USE_LOCAL_API=true\n");

    Run r = run(Map.of(), "config", "check", file.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("PENTARACT_API_URL +used +http://pentaract:8547/api")
        .containsPattern("PENTARACT_TIMOUT +unknown +ignored; did you mean PENTARACT_TIMEOUT\\?")
        .containsPattern("BOT_TOKEN +used +\\*\\*\\*")
        .containsPattern("TELEGRAM_USE_LOCAL_API +renamed +use TELEGRAM_LOCAL_API")
        .contains("OK: the service would start with this file.")
        .doesNotContain("SECRET");
  }

  @Test
  void valueThatWouldStopStartup_exits2_withOneJsonDocument() throws IOException {
    Path file = envFile("DATABASE_URL=sqlite:///./data/development.db\n");

    Run r = run(Map.of(), "config", "check", file.toString(), "--json");

    assertThat(r.exit()).isEqualTo(2);
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertThat(doc.get("starts_up").asBoolean()).isFalse();
    assertThat(doc.get("problems").get(0).asText()).startsWith("DATABASE_URL=sqlite:");
    assertThat(doc.get("hints").get(0).asText()).contains("jdbc:sqlite:./data/development.db");
    assertThat(doc.get("keys").get(0).get("status").asText()).isEqualTo("used");
  }

  @Test
  void worksWhereTheEnvironmentWouldStopEveryOtherCommand() throws IOException {
    Path file = envFile("LOG_LEVEL=critical\n");
    Map<String, String> broken = Map.of("LOG_LEVEL", "loud", "RESOURCE_CPU_THRESHOLD", "0");

    Run check = run(broken, "config", "check", file.toString());
    Run list = run(broken, "list");

    assertThat(check.exit()).as(check.err()).isZero();
    assertThat(list.exit()).isEqualTo(2);
  }

  @Test
  void missingFile_exits2_sayingSo() {
    Run r = run(Map.of(), "config", "check", work.resolve("absent.env").toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).contains("no such file");
    assertThat(r.err()).contains("would stop startup");
  }
}
