package io.scoutbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code compose.yaml} against its contract (there is no Docker engine here to run {@code docker
 * compose config}): the services and their names, a Pentaract URL built from the Pentaract service's
 * name and port, limits, volumes, restart policies, profiles, and nothing published beyond loopback.
 */
@Timeout(30)
class ComposeFileTest {

  private static Map<String, Object> compose;
  private static Map<String, Map<String, Object>> services;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void parse() throws IOException {
    try (Reader r = Files.newBufferedReader(Path.of("compose.yaml"))) {
      compose = new Yaml().load(r);
    }
    services = (Map<String, Map<String, Object>>) compose.get("services");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    return (Map<String, Object>) parent.get(key);
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Map<String, Object> parent, String key) {
    Object v = parent.get(key);
    return v instanceof List<?> l ? (List<Object>) l : v == null ? List.of() : List.of(v);
  }

  @Test
  void hasScoutBot_Pentaract_itsDatabase_andScoutBotsOwnPostgresUnderAProfile() {
    assertThat(services).containsOnlyKeys("scoutbot", "pentaract", "pentaract-db", "scoutbot-db");
    assertThat(list(services.get("scoutbot-db"), "profiles")).containsExactly("postgres");
    for (String always : List.of("scoutbot", "pentaract", "pentaract-db")) {
      assertThat(services.get(always)).as(always).doesNotContainKey("profiles");
    }
  }

  @Test
  void pentaractUrl_isThePentaractServicesNameAndPort_neverLocalhost() {
    Map<String, Object> env = map(services.get("scoutbot"), "environment");
    URI url = URI.create(String.valueOf(env.get("PENTARACT_API_URL")));
    Map<String, Object> pentaract = map(services.get("pentaract"), "environment");

    assertThat(services).containsKey(url.getHost());
    assertThat(url.getHost()).isEqualTo("pentaract").isNotIn("localhost", "127.0.0.1");
    assertThat(String.valueOf(url.getPort())).isEqualTo(String.valueOf(pentaract.get("PORT")));
    assertThat(url.getPath()).isEqualTo("/api");
    assertThat(env.get("PENTARACT_ENABLED")).isEqualTo("true");
  }

  @Test
  void pentaractHasEverySettingItRequires_andItsDatabaseHostIsTheDatabaseService() {
    Map<String, Object> env = map(services.get("pentaract"), "environment");
    // Pentaract panics at start without any of these (pentaract-api.md §2); the two secrets come
    // from compose.env
    assertThat(env).containsKeys("PORT", "WORKERS", "CHANNEL_CAPACITY", "SUPERUSER_EMAIL",
        "SUPERUSER_PASS", "ACCESS_TOKEN_EXPIRE_IN_SECS", "REFRESH_TOKEN_EXPIRE_IN_DAYS",
        "TELEGRAM_API_BASE_URL", "DATABASE_USER", "DATABASE_NAME", "DATABASE_HOST",
        "DATABASE_PORT");
    assertThat(list(services.get("pentaract"), "env_file")).containsExactly("compose.env");
    assertThat(services).containsKey(String.valueOf(env.get("DATABASE_HOST")));
    // ScoutBot logs in with the superuser that Pentaract creates from the same two settings
    assertThat(String.valueOf(env.get("SUPERUSER_EMAIL"))).startsWith("${PENTARACT_EMAIL");
    assertThat(String.valueOf(env.get("SUPERUSER_PASS"))).startsWith("${PENTARACT_PASSWORD");
  }

  @Test
  void everyServiceHasMemoryAndCpuLimits_andTheDefaultSetFitsA2GbHost() {
    long total = 0;
    for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
      assertThat(s.getValue()).as(s.getKey()).containsKeys("mem_limit", "cpus");
      assertThat(Double.parseDouble(String.valueOf(s.getValue().get("cpus")))).as(s.getKey())
          .isBetween(0.1, 2.0);
      if (!s.getValue().containsKey("profiles")) {
        total += bytes(String.valueOf(s.getValue().get("mem_limit")));
      }
    }
    assertThat(total).isLessThanOrEqualTo(2L << 30);
    assertThat(bytes(String.valueOf(services.get("scoutbot").get("mem_limit"))))
        .as("the limit bench/container.sh checks").isEqualTo(512L << 20);
  }

  @Test
  void everyServiceRestarts_andKeepsItsDataInANamedVolume() {
    Map<String, String> dataDirs = Map.of(
        "scoutbot", "/data",
        "pentaract-db", "/var/lib/postgresql/data",
        "scoutbot-db", "/var/lib/postgresql/data");
    for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
      assertThat(s.getValue().get("restart")).as(s.getKey())
          .isIn("unless-stopped", "always", "on-failure");
    }
    Set<String> declared = map(compose, "volumes").keySet();
    dataDirs.forEach((service, dir) -> {
      List<Object> mounts = list(services.get(service), "volumes");
      assertThat(mounts).as(service).anySatisfy(m -> {
        String[] parts = String.valueOf(m).split(":");
        assertThat(parts[1]).isEqualTo(dir);
        assertThat(declared).contains(parts[0]);
      });
    });
    assertThat(String.valueOf(map(services.get("scoutbot"), "environment").get("DATA_DIR")))
        .isEqualTo("/data");
  }

  @Test
  void scoutBotIsBuiltFromThisDockerfile_withItsSettingsFromDotEnv() {
    Map<String, Object> scoutbot = services.get("scoutbot");

    assertThat(scoutbot.get("build")).isEqualTo(".");
    assertThat(Path.of("Dockerfile")).isRegularFile();
    assertThat(list(scoutbot, "env_file")).containsExactly(".env");
    assertThat(Path.of(".env.example")).isRegularFile();
    assertThat(Path.of("compose.env.example")).isRegularFile();
  }

  @Test
  void nothingIsPublishedBeyondLoopback() {
    for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
      for (Object port : list(s.getValue(), "ports")) {
        assertThat(String.valueOf(port)).as(s.getKey()).startsWith("127.0.0.1:");
      }
    }
  }

  private static long bytes(String size) {
    String s = size.strip().toLowerCase();
    long unit = s.endsWith("g") ? 1L << 30 : s.endsWith("m") ? 1L << 20 : s.endsWith("k") ? 1L << 10 : 1;
    return Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
  }
}
