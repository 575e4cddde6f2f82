package dev.braintrust.reactive.transport.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mustache rendering as Braintrust's prompts expect it: values are written as they are (no HTML
 * escaping), and objects and lists as JSON, as the official SDKs render them.
 */
public final class Templates {
  private static final DefaultMustacheFactory FACTORY =
      new DefaultMustacheFactory() {
        @Override
        public void encode(String value, Writer writer) {
          try {
            writer.write(value);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private Templates() {}

  /**
   * Renders {@code template} with {@code variables}.
   *
   * @throws IllegalArgumentException when the template does not parse
   */
  public static String render(String template, Map<String, ?> variables) {
    Mustache m;
    try {
      m = FACTORY.compile(new StringReader(template), "prompt");
    } catch (MustacheException e) {
      throw new IllegalArgumentException("bad prompt template: " + e.getMessage(), e);
    }
    StringWriter out = new StringWriter();
    m.execute(out, jsonAware(variables));
    return out.toString();
  }

  /** Maps and lists that print as JSON when a template writes them whole. */
  private static Object jsonAware(Object value) {
    if (value instanceof Map<?, ?> map) {
      JsonMap out = new JsonMap();
      map.forEach((k, v) -> out.put(String.valueOf(k), v == null ? null : jsonAware(v)));
      return out;
    }
    if (value instanceof Collection<?> list) {
      JsonList out = new JsonList();
      list.forEach(v -> out.add(v == null ? null : jsonAware(v)));
      return out;
    }
    return value;
  }

  private static String json(Object value) {
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      return String.valueOf(value);
    }
  }

  private static final class JsonMap extends LinkedHashMap<String, Object> {
    @Override
    public String toString() {
      return json(new LinkedHashMap<>(this));
    }
  }

  private static final class JsonList extends ArrayList<Object> {
    @Override
    public String toString() {
      return json(new ArrayList<>(this));
    }
  }

  /** A copy of {@code messages} with every text rendered. */
  public static List<Map<String, Object>> renderMessages(
      List<Map<String, Object>> messages, Map<String, ?> variables) {
    List<Map<String, Object>> out = new ArrayList<>(messages.size());
    for (Map<String, Object> m : messages) {
      Map<String, Object> copy = new LinkedHashMap<>(m);
      Object content = m.get("content");
      if (content instanceof String s) {
        copy.put("content", render(s, variables));
      } else if (content instanceof List<?> parts) {
        List<Object> rendered = new ArrayList<>(parts.size());
        for (Object p : parts) {
          if (p instanceof Map<?, ?> part && part.get("text") instanceof String text) {
            Map<Object, Object> c = new LinkedHashMap<>(part);
            c.put("text", render(text, variables));
            rendered.add(c);
          } else {
            rendered.add(p);
          }
        }
        copy.put("content", rendered);
      }
      out.add(copy);
    }
    return out;
  }
}
