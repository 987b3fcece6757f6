package io.scoutbot.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Passwords in URLs are masked whatever characters they hold; nothing else is touched. */
class RedactionTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "jdbc:postgresql://db:5432/x?user=s&password=hunter2 | jdbc:postgresql://db:5432/x?user=s&password=***",
    "jdbc:postgresql://db/x?password=ab;cd&ssl=true       | jdbc:postgresql://db/x?password=***&ssl=true",
    "postgresql://scout:S3cretPW@127.0.0.1/db            | postgresql://scout:***@127.0.0.1/db",
    "postgresql://scout:Ab/Cd+Ef@h/db                    | postgresql://scout:***@h/db",
    "postgresql://scout:p@ss@h/db                        | postgresql://scout:***@h/db",
    "htp://admin:S3cret PW@host/api                      | htp://admin:***@host/api",
    "jdbc:postgresql://host:5432/db?user=a@b             | jdbc:postgresql://host:5432/db?user=a@b",
    "http://pentaract:8000/api                           | http://pentaract:8000/api",
    "jdbc:sqlite:/data/scoutbot.db                       | jdbc:sqlite:/data/scoutbot.db",
  })
  void url_masksPasswordsOnly(String url, String shown) {
    assertThat(Redaction.url(url)).isEqualTo(shown);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "jdbc:postgresql://scout:S3cretPW@127.0.0.1:1/db | The connection attempt failed: scout:S3cretPW@127.0.0.1",
    "jdbc:postgresql://h/db?user=u&password=S3cretPW | FATAL: bad password S3cretPW for u",
  })
  void scrub_removesTheUrlsPasswordsFromAnyMessage(String url, String message) {
    assertThat(Redaction.scrub(message, url)).doesNotContain("S3cretPW").contains("***");
  }
}
