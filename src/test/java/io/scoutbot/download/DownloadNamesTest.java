package io.scoutbot.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Names from headers, URLs and content types, as a browser would pick them, then cleaned. */
@Timeout(10)
class DownloadNamesTest {

  @ParameterizedTest(name = "{0} | {1} | {3} → {4}")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
    "attachment; filename=\"report.pdf\" | https://h/x | NULL | NULL | report.pdf",
    "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf; filename=\"resume.pdf\" | https://h/x | NULL | NULL | résumé.pdf",
    "attachment; filename=\"resume.pdf\"; filename*=utf-8'en'na%C3%AFve%20file.txt | https://h/x | NULL | NULL | naïve file.txt",
    "attachment; filename*=iso-8859-1''caf%E9.txt | https://h/x | NULL | NULL | café.txt",
    "inline; filename=plain.txt | https://h/x | NULL | NULL | plain.txt",
    "attachment; filename=\"a \\\"quoted\\\" name.txt\" | https://h/x | NULL | NULL | a _quoted_ name.txt",
    "attachment; filename=\"semi;colon.txt\" | https://h/x | NULL | NULL | semi;colon.txt",
    "attachment; filename=\"../../etc/passwd\" | https://h/x | NULL | NULL | passwd",
    "attachment; filename*=UTF-8''bad%ZZ; filename=\"fallback.bin\" | https://h/x | NULL | NULL | fallback.bin",
    "attachment | https://h/files/report%20final.pdf | NULL | NULL | report final.pdf",
    "NULL | https://h/files/c++.pdf | NULL | NULL | c++.pdf",
    "NULL | https://h/media/12345 | NULL | video/mp4 | 12345.mp4",
    "NULL | https://h/download.php | NULL | application/pdf | download.pdf",
    "NULL | https://h/ | https://h/orig/song.mp3 | audio/mpeg | song.mp3",
    "NULL | https://h/ | NULL | image/jpeg | download.jpg",
    "NULL | https://h/ | NULL | application/octet-stream | download",
    "NULL | https://h/clip.webm | NULL | video/mp4 | clip.webm"
  })
  void choose_followsHeaderThenUrlThenType(String disposition, String finalUrl, String url,
      String type, String expected) {
    assertThat(DownloadNames.choose(disposition, URI.create(finalUrl),
        url == null ? URI.create(finalUrl) : URI.create(url), "", type)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "attachment; filename=\"rÃ©sumÃ©.pdf\" | résumé.pdf",
    "attachment; filename=\"cafÃ.pdf\" | cafÃ.pdf"
  })
  void rawUtf8InAPlainFilename_isReadAsUtf8WhenItIsValid(String header, String expected) {
    assertThat(DownloadNames.fromDisposition(header)).hasValue(expected);
  }
}
