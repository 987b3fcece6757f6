package io.scoutbot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The JSON documents commands print: written as Jackson's ObjectMapper writes them. */
class OutputTest {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private record Part(String name, long size) {}

  @Test
  void render_writesEveryKindOfValueAsObjectMapperWithIndentOutputDoes() throws Exception {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("code", "AB12CD");
    nested.put("remote_path", null);
    nested.put("percent", 12.5);
    nested.put("ratio", 0.1f);
    nested.put("exact", new BigDecimal("1.50"));
    nested.put("unit", TimeUnit.SECONDS);
    nested.put("quoted", "say \"hi\"\nand\ttab é ✓");
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("files", List.of(nested, Map.of()));
    doc.put("empty", List.of());
    doc.put("total_files", 2);
    doc.put("total_size", 5_000_000_000L);
    doc.put("ok", true);
    doc.put("nan", Double.NaN);
    doc.put("ids", Arrays.asList(1L, null, 3L));
    doc.put("record", new Part("a", 1)); // not built by commands: written by an ObjectMapper

    assertThat(Output.render(doc)).isEqualTo(MAPPER.writeValueAsString(doc));
  }

  @Test
  void render_ofAnEmptyList_isTheListCommandsKnownShape() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("files", List.of());
    doc.put("total_files", 0);

    assertThat(Output.render(doc))
        .isEqualTo("{\n  \"files\" : [ ],\n  \"total_files\" : 0\n}");
  }
}
