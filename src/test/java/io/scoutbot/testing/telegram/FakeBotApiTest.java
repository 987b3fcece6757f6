package io.scoutbot.testing.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fake speaks the Bot API as telegram-bot-api.md says, to any client, not only ours. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FakeBotApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private FakeBotApi fake;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    fake = FakeBotApi.start(dir, FakeBotApi.Mode.CLOUD);
    fake.chat(42, "Eve");
  }

  @AfterEach
  void stop() {
    fake.close();
    http.close();
  }

  private HttpResponse<String> post(String path, String type, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + path))
        .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "form", "query"})
  void parameters_areReadFromJsonFormsAndTheQueryString(String how) throws Exception {
    String base = "/bot" + fake.token() + "/sendMessage";
    HttpResponse<String> r = switch (how) {
      case "json" -> post(base, "application/json", "{\"chat_id\":42,\"text\":\"hi\"}");
      case "form" -> post(base, "application/x-www-form-urlencoded", "chat_id=42&text=hi");
      default -> get(base + "?chat_id=42&text=hi");
    };

    JsonNode n = JSON.readTree(r.body());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(n.get("ok").asBoolean()).isTrue();
    assertThat(n.at("/result/text").asText()).isEqualTo("hi");
    assertThat(n.at("/result/date").asLong()).isPositive();
  }

  @Test
  void methodNames_areCaseInsensitive() throws Exception {
    assertThat(get("/bot" + fake.token() + "/GETME").statusCode()).isEqualTo(200);
    assertThat(get("/bot" + fake.token() + "/getme").statusCode()).isEqualTo(200);
  }

  @Test
  void aWrongToken_is401_andAnUnknownMethod404_inTheBotApiErrorShape() throws Exception {
    HttpResponse<String> wrong = get("/bot1:nope/getMe");
    HttpResponse<String> unknown = get("/bot" + fake.token() + "/launchRocket");

    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(wrong.body())).isEqualTo(JSON.readTree(
        "{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}"));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).get("description").asText()).isEqualTo("Not Found");
  }

  @Test
  void a429_carriesRetryAfterInParameters() throws Exception {
    fake.tooManyRequests("sendMessage", 1, 9);

    HttpResponse<String> r = get("/bot" + fake.token() + "/sendMessage?chat_id=42&text=x");

    assertThat(r.statusCode()).isEqualTo(429);
    JsonNode n = JSON.readTree(r.body());
    assertThat(n.get("error_code").asInt()).isEqualTo(429);
    assertThat(n.at("/parameters/retry_after").asInt()).isEqualTo(9);
  }

  @Test
  void getUpdates_longPolls_untilAnUpdateArrives_andOffsetConfirms() throws Exception {
    String poll = "/bot" + fake.token() + "/getUpdates?timeout=10&offset=";
    CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(
        HttpRequest.newBuilder(URI.create(fake.baseUrl() + poll + "0")).build(),
        HttpResponse.BodyHandlers.ofString());
    Thread.sleep(200);
    assertThat(waiting).isNotDone();

    fake.chat(42, "Eve").text("/start");

    JsonNode first = JSON.readTree(waiting.get(5, TimeUnit.SECONDS).body()).get("result");
    long id = first.get(0).get("update_id").asLong();
    assertThat(first.get(0).at("/message/entities/0/type").asText()).isEqualTo("bot_command");
    assertThat(fake.pendingUpdates()).isEqualTo(1);
    JsonNode next = JSON.readTree(get("/bot" + fake.token() + "/getUpdates?timeout=0&offset="
        + (id + 1)).body()).get("result");
    assertThat(next).isEmpty();
    assertThat(fake.pendingUpdates()).isZero();
  }

  @Test
  void aSecondPoll_endsTheFirstWith409_asTelegramDoes() throws Exception {
    String poll = fake.baseUrl() + "/bot" + fake.token() + "/getUpdates?timeout=10";
    CompletableFuture<HttpResponse<String>> first = http.sendAsync(
        HttpRequest.newBuilder(URI.create(poll)).build(), HttpResponse.BodyHandlers.ofString());
    Thread.sleep(200);

    CompletableFuture<HttpResponse<String>> second = http.sendAsync(
        HttpRequest.newBuilder(URI.create(poll.replace("timeout=10", "timeout=0"))).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(first.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(409);
    assertThat(JSON.readTree(first.get().body()).get("description").asText())
        .startsWith("Conflict: terminated by other getUpdates request");
    assertThat(second.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void getUpdates_withAWebhookSet_is409_untilDeleteWebhook() throws Exception {
    fake.setWebhook("https://example.invalid/hook");

    assertThat(get("/bot" + fake.token() + "/getUpdates").statusCode()).isEqualTo(409);
    get("/bot" + fake.token() + "/deleteWebhook");
    assertThat(get("/bot" + fake.token() + "/getUpdates").statusCode()).isEqualTo(200);
  }

  @Test
  void getFile_andTheDownloadPath_serveAUsersFile_onTheCloud() throws Exception {
    Path content = Files.writeString(dir.resolve("c.txt"), "hello file");
    FakeBotApi.FakeFile f = fake.addFile(content, "c.txt", "text/plain");

    JsonNode file = JSON.readTree(get("/bot" + fake.token() + "/getFile?file_id=" + f.fileId())
        .body()).get("result");
    HttpResponse<String> body = get("/file/bot" + fake.token() + "/"
        + file.get("file_path").asText());

    assertThat(file.get("file_path").asText()).doesNotStartWith("/");
    assertThat(file.get("file_size").asLong()).isEqualTo(10);
    assertThat(body.body()).isEqualTo("hello file");
    assertThat(body.headers().firstValueAsLong("Content-Length")).hasValue(10);
  }

  @Test
  void aMultipartUpload_isStoredWithItsDigest_andOverTheLimitIs413() throws Exception {
    fake.uploadLimit(1000);
    String boundary = "b0undary";
    String ok = multipart(boundary, "hello.txt", "x".repeat(999));
    String big = multipart(boundary, "big.txt", "y".repeat(1001));
    String type = "multipart/form-data; boundary=" + boundary;

    HttpResponse<String> sent = post("/bot" + fake.token() + "/sendDocument", type, ok);
    HttpResponse<String> refused = post("/bot" + fake.token() + "/sendDocument", type, big);

    assertThat(sent.statusCode()).isEqualTo(200);
    assertThat(fake.sentFiles()).singleElement().satisfies(s -> {
      assertThat(s.fileName()).isEqualTo("hello.txt");
      assertThat(s.size()).isEqualTo(999);
    });
    assertThat(refused.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(refused.body()).get("description").asText())
        .isEqualTo("Request Entity Too Large");
  }

  @Test
  void theLocalMode_answersAbsolutePaths_andServesNoDownloads() throws Exception {
    try (FakeBotApi local = FakeBotApi.start(dir.resolve("local"), FakeBotApi.Mode.LOCAL)) {
      Path content = Files.writeString(dir.resolve("l.txt"), "local");
      FakeBotApi.FakeFile f = local.addFile(content, "l.txt", "text/plain");
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(local.baseUrl()
          + "/bot" + local.token() + "/getFile?file_id=" + f.fileId())).build(),
          HttpResponse.BodyHandlers.ofString());

      String path = JSON.readTree(r.body()).at("/result/file_path").asText();
      assertThat(path).isEqualTo(content.toAbsolutePath().toString());
      assertThat(http.send(HttpRequest.newBuilder(URI.create(local.baseUrl() + "/file/bot"
          + local.token() + path)).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
          .isEqualTo(404);
    }
  }

  private String multipart(String boundary, String name, String content) {
    return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n42\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"document\"; filename=\""
        + name + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + "\r\n--"
        + boundary + "--\r\n";
  }
}
