package dev.braintrust.reactive.testkit.internal;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Checks of query parameters: an operation answers 400 for a parameter it does not declare, and for
 * a declared one of the wrong type, naming it.
 */
final class Query {
  private Query() {}

  /** Fails with 400 on the first query parameter not in {@code allowed}. */
  static void allow(Exchange ex, Set<String> allowed) {
    for (String name : ex.paramNames()) {
      if (!allowed.contains(name)) {
        throw HttpError.badRequest(
            "unknown query parameter '" + name + "' for " + ex.method() + " " + ex.path());
      }
    }
  }

  /** Fails with 400 if there is any query parameter. */
  static void none(Exchange ex) {
    allow(ex, Set.of());
  }

  /** A boolean parameter: absent is false; anything but true or false is 400. */
  static boolean flag(Exchange ex, String name) {
    String v = ex.param(name);
    if (v == null || v.equals("false")) {
      return false;
    }
    if (v.equals("true")) {
      return true;
    }
    throw HttpError.badRequest("'" + name + "' must be true or false, got '" + v + "'");
  }

  /** A non-negative integer parameter, or null when absent. */
  static @Nullable Integer count(Exchange ex, String name) {
    String v = ex.param(name);
    if (v == null) {
      return null;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw HttpError.badRequest("'" + name + "' must be a non-negative integer, got '" + v + "'");
  }
}
