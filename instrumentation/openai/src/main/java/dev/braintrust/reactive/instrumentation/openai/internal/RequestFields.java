package dev.braintrust.reactive.instrumentation.openai.internal;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.JsonField;
import dev.braintrust.reactive.core.Log;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads a request body's fields for the span without serialising it on the caller's thread: the
 * body's {@code @JsonProperty} getters (the ones the client's own JSON is written from) give each
 * set field, and a field is kept as is (a string, number or boolean) or wrapped to be written by
 * the exporter later. Reading a body this way costs well under a microsecond; writing it as a JSON
 * tree costs several and kilobytes of garbage.
 */
final class RequestFields {
  private static final Object[] NO_ARGS = {};
  private static final ClassValue<Shape> SHAPES =
      new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
          return Shape.of(type);
        }
      };

  private RequestFields() {}

  /**
   * Logs {@code body}'s field {@code inputField} as the input and, after {@code provider}, the
   * fields named in {@code allowed} as metadata: the guide's data-capture policy is an explicit
   * allowlist, so any other request field (user ids, store flags, service tiers, ...) stays out.
   */
  static void record(Log.Builder b, Object body, String inputField, Set<String> allowed) {
    Shape shape = SHAPES.get(body.getClass());
    b.metadata("provider", "openai");
    if (shape.getters.isEmpty()) {
      // A client whose bodies we don't recognise: its JSON, written now, still says everything.
      fromTree(b, SdkJson.tree(body), inputField, allowed);
      return;
    }
    for (Getter g : shape.getters) {
      if (!g.name.equals(inputField) && !allowed.contains(g.name)) {
        continue;
      }
      Object value = g.read(body);
      if (value instanceof JsonField && !((JsonField<?>) value).isMissing()) {
        put(b, g.name, plain((JsonField<?>) value), inputField, allowed);
      }
    }
    if (shape.additional != null) {
      Object extra = Getter.invoke(shape.additional, body);
      if (extra instanceof Map) {
        for (Map.Entry<?, ?> e : ((Map<?, ?>) extra).entrySet()) {
          if (e.getValue() instanceof JsonField && !((JsonField<?>) e.getValue()).isMissing()) {
            put(
                b,
                String.valueOf(e.getKey()),
                plain((JsonField<?>) e.getValue()),
                inputField,
                allowed);
          }
        }
      }
    }
  }

  private static void put(
      Log.Builder b, String name, Object value, String inputField, Set<String> allowed) {
    if (name.equals(inputField)) {
      b.input(SdkJson.withAttachments(value));
    } else if (allowed.contains(name)) {
      b.metadata(name, value);
    }
  }

  /** Scalars as themselves (cheap to write, readable in tests); anything else for the exporter. */
  private static Object plain(JsonField<?> field) {
    Optional<?> known = field.asKnown();
    if (known.isPresent()) {
      Object v = known.get();
      if (v instanceof String || v instanceof Number || v instanceof Boolean) {
        return v;
      }
    }
    return new SdkJson(field);
  }

  private static void fromTree(
      Log.Builder b, ObjectNode tree, String inputField, Set<String> allowed) {
    for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      put(b, f.getKey(), f.getValue(), inputField, allowed);
    }
  }

  /** The JSON getters of one body class, found once per class. */
  private static final class Shape {
    final List<Getter> getters;
    final @Nullable Method additional;

    private Shape(List<Getter> getters, @Nullable Method additional) {
      this.getters = getters;
      this.additional = additional;
    }

    static Shape of(Class<?> type) {
      List<Getter> getters = new ArrayList<>();
      Method additional = null;
      for (Method m : type.getMethods()) {
        if (m.getParameterCount() != 0) {
          continue;
        }
        JsonProperty p = m.getAnnotation(JsonProperty.class);
        if (p != null
            && !p.value().isEmpty()
            && JsonField.class.isAssignableFrom(m.getReturnType())) {
          getters.add(new Getter(p.value(), m));
        } else if (m.isAnnotationPresent(JsonAnyGetter.class)
            && Map.class.isAssignableFrom(m.getReturnType())) {
          additional = m;
        }
      }
      // Stable metadata order whatever order reflection lists methods in.
      getters.sort(Comparator.comparing(g -> g.name));
      return new Shape(List.copyOf(getters), additional);
    }
  }

  private static final class Getter {
    final String name;
    final Method method;

    Getter(String name, Method method) {
      this.name = name;
      this.method = method;
    }

    @Nullable Object read(Object body) {
      return invoke(method, body);
    }

    static @Nullable Object invoke(Method m, Object body) {
      try {
        return m.invoke(body, NO_ARGS);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("could not read " + m.getName() + " of a request body", e);
      }
    }
  }
}
