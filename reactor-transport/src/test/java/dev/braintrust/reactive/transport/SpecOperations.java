package dev.braintrust.reactive.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operations of the OpenAPI spec (a copy of {@code shared/spec/braintrust-openapi.txt}, YAML
 * folded onto one line) as {@code "METHOD /path/{param}"}, read from the spec itself so a test
 * fails when the spec gains an operation the client does not call.
 */
final class SpecOperations {
  private static final Pattern PATH_OR_OP =
      Pattern.compile(
          " (/v1/[A-Za-z_/{}]*|/btql): |\\b(get|post|put|patch|delete): operationId: (\\w+)");

  private SpecOperations() {}

  static List<String> all() {
    String spec = read();
    String paths = spec.substring(spec.indexOf(" paths: "), spec.indexOf(" components: "));
    List<String> out = new ArrayList<>();
    String current = null;
    Matcher m = PATH_OR_OP.matcher(paths);
    while (m.find()) {
      if (m.group(1) != null) {
        current = m.group(1);
      } else {
        out.add(m.group(2).toUpperCase(java.util.Locale.ROOT) + " " + current);
      }
    }
    return out;
  }

  /** Whether {@code path} (a concrete request path) fits the spec's {@code template}. */
  static boolean matches(String template, String path) {
    String regex = template.replaceAll("\\{[^}]+}", "[^/]+");
    return path.matches(regex);
  }

  private static String read() {
    try (InputStream in =
        SpecOperations.class.getResourceAsStream("/spec/braintrust-openapi.txt")) {
      if (in == null) {
        throw new IllegalStateException("spec/braintrust-openapi.txt is not on the test classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
