package dev.braintrust.reactive.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The parameter values of one remote eval run: the values the Playground sent laid over the
 * evaluator's defaults (values it does not declare pass through too). The same for every case.
 */
public final class Parameters {
  private final Map<String, @Nullable Object> values;

  Parameters(Map<String, @Nullable Object> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** {@code sent} laid over the defaults of {@code declared}. */
  static Parameters merge(Map<String, Parameter> declared, Map<String, @Nullable Object> sent) {
    Map<String, @Nullable Object> m = new LinkedHashMap<>();
    declared.forEach((k, p) -> m.put(k, p.defaultValue()));
    m.putAll(sent);
    return new Parameters(m);
  }

  /** Parameters with these values, for tests of tasks and scorers. */
  public static Parameters of(Map<String, ?> values) {
    return new Parameters(new LinkedHashMap<>(Objects.requireNonNull(values, "values")));
  }

  /** The value, or null when unset. */
  public @Nullable Object get(String name) {
    return values.get(name);
  }

  /** The value as a string, or {@code fallback} when unset or null. */
  public String string(String name, String fallback) {
    Object v = values.get(name);
    return v == null ? fallback : v.toString();
  }

  /**
   * The value as a number, or {@code fallback} when unset or null.
   *
   * @throws IllegalArgumentException when it is not a number
   */
  public double number(String name, double fallback) {
    Object v = values.get(name);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number) {
      return ((Number) v).doubleValue();
    }
    throw new IllegalArgumentException(
        "parameter '" + name + "' is not a number: " + v.getClass().getSimpleName() + " " + v);
  }

  /** Every value by name. */
  public Map<String, @Nullable Object> asMap() {
    return values;
  }

  @Override
  public String toString() {
    return "Parameters" + values;
  }
}
