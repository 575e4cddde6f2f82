package dev.braintrust.reactive.otel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.internal.EventEncoder;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Spans no mapping reads are built by a shorter path (issue 35); its rows must be byte for byte
 * those of the general path.
 */
class PlainSpanRowTest {
  static final Destination DEST = Destination.projectLogsByName("p");
  static final EventEncoder ENCODER = new EventEncoder();

  static SpanData finished(String name, Consumer<Span> body) {
    return Fixtures.recorded("io.opentelemetry.java-http-client", name, body);
  }

  /** {@link SpanRowTest#PLAIN}'s attributes, typed as instrumentation sets them. */
  static Attributes plainAttributes() {
    AttributesBuilder b = Attributes.builder();
    for (Map.Entry<String, Object> e : SpanRowTest.PLAIN.entrySet()) {
      Object v = e.getValue();
      if (v instanceof Long l) {
        b.put(e.getKey(), l);
      } else if (v instanceof List<?> list && list.get(0) instanceof String) {
        b.put(e.getKey(), list.toArray(new String[0]));
      } else if (v instanceof List<?> list) {
        b.put(e.getKey(), list.stream().mapToDouble(o -> (Double) o).toArray());
      } else {
        b.put(e.getKey(), String.valueOf(v));
      }
    }
    return b.put("http.ok", true).put("retry.factor", 1.5).build();
  }

  static String encoded(dev.braintrust.reactive.core.BraintrustEvent e) {
    return new String(ENCODER.encode(e).json(), StandardCharsets.UTF_8);
  }

  @Test
  void anHttpSpansShortPathRowIsTheGeneralPathsRowByteForByte() {
    SpanData span = finished("GET /a", s -> s.setAllAttributes(plainAttributes()));
    List<String> parents = List.of("00f067aa0ba902b7");

    String plain = encoded(SpanMapper.plain(span, DEST, parents));
    assertThat(plain).isEqualTo(encoded(SpanMapper.general(span, List.of(), DEST, parents)));
    assertThat(plain).contains("\"http.response.status_code\":200", "\"type\":\"task\"");
  }

  @Test
  void attributesSetInAnyOrderOrNamedTwiceGiveTheGeneralPathsRow() {
    SpanData span =
        finished(
            "GET /c",
            s ->
                s.setAttribute("url.path", "/c")
                    .setAttribute("client.address", "10.0.0.1")
                    .setAttribute("zeta", "last")
                    .setAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("dup"), "text")
                    .setAttribute(io.opentelemetry.api.common.AttributeKey.longKey("dup"), 7L)
                    .setAttribute("alpha", 1L));

    String plain = encoded(SpanMapper.plain(span, DEST, List.of()));
    assertThat(plain).isEqualTo(encoded(SpanMapper.general(span, List.of(), DEST, List.of())));
    assertThat(plain).containsOnlyOnce("\"dup\":");
    assertThat(plain.indexOf("\"alpha\"")).isLessThan(plain.indexOf("\"client.address\""));
    assertThat(plain.indexOf("\"url.path\"")).isLessThan(plain.indexOf("\"zeta\""));
  }

  @Test
  void keysNamedTwiceKeepTheLaterValueAndAllComeOutInKeyOrder() {
    // Attributes of SDK spans are unique by name; a SpanData made elsewhere may not be.
    String[] keys = {"b", "c", "a", "b", "a.b"};
    Object[] values = {1L, 2L, 3L, 4L, 5L};
    assertThat(SpanMapper.sortedByKey(keys, values, 5))
        .containsExactly(
            Map.entry("a", 3L), Map.entry("a.b", 5L), Map.entry("b", 4L), Map.entry("c", 2L));
  }

  @Test
  void aFailedSpansShortPathRowKeepsItsErrorAsTheGeneralPathDoes() {
    for (String description : new String[] {"connection reset", ""}) {
      SpanData span =
          finished(
              "GET /b",
              s ->
                  s.setAttribute("url.full", "http://x/b")
                      .setStatus(StatusCode.ERROR, description));

      String plain = encoded(SpanMapper.plain(span, DEST, List.of()));
      assertThat(plain).isEqualTo(encoded(SpanMapper.general(span, List.of(), DEST, List.of())));
      assertThat(plain).contains("\"error\":\"" + (description.isEmpty() ? "error" : description));
    }
  }

  @Test
  void spansAMappingOrBraintrustAttributeMayChangeTakeTheGeneralPath() {
    for (String key : new String[] {"gen_ai.system", "braintrust.tags", "metadata", "llm.x"}) {
      SpanData span = finished("op", s -> s.setAttribute("url.full", "u").setAttribute(key, "v"));
      assertThat(SpanMapper.plain(span, DEST, List.of())).as(key).isNull();
    }
  }
}
