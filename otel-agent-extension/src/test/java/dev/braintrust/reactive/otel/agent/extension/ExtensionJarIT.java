package dev.braintrust.reactive.otel.agent.extension;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged extension jar as the agent loads it: everything it bundles is ours or relocated
 * under {@code dev.braintrust.reactive.shaded}, so it cannot clash with the application's or the
 * agent's copies; the OpenTelemetry API and SDK (the agent's) are neither bundled nor relocated;
 * and the relocated libraries still work. Runs in {@code verify}, after the shade plugin wrote the
 * jar.
 */
class ExtensionJarIT {
  private static final String OWN = "dev/braintrust/reactive/";
  private static final String SHADED = OWN + "shaded/";

  /** Packages the jar bundles (internal names): each may appear only under {@link #SHADED}. */
  private static final List<String> BUNDLED =
      List.of(
          "reactor/",
          "org/reactivestreams/",
          "io/netty/",
          "com/fasterxml/jackson/",
          "io/micrometer/",
          "org/HdrHistogram/",
          "org/LatencyUtils/",
          "com/github/mustachejava/");

  /** Service interfaces the agent defines: their files keep the agent's (unrelocated) names. */
  private static final String AGENT_SPI = "io.opentelemetry.";

  private static Path jar;

  @BeforeAll
  static void findJar() {
    String path = System.getProperty("extension.jar");
    assertThat(path).as("system property extension.jar (set by the pom)").isNotNull();
    jar = Path.of(path);
    assertThat(jar).as("the shaded extension jar; run mvn package first").isRegularFile();
  }

  private static List<String> entries() throws IOException {
    List<String> names = new ArrayList<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      Collections.list(zip.entries()).stream()
          .filter(e -> !e.isDirectory())
          .forEach(e -> names.add(e.getName()));
    }
    return names;
  }

  @Test
  void everyBundledFileIsOursOrRelocatedOrMetadata() throws IOException {
    TreeSet<String> foreign = new TreeSet<>();
    for (String name : entries()) {
      if (!name.startsWith(OWN) && !name.startsWith("META-INF/")) {
        // Reported by package, so one missing relocation is one line.
        int slash = name.lastIndexOf('/');
        foreign.add(slash < 0 ? name : name.substring(0, slash + 1));
      }
    }
    assertThat(foreign)
        .as("packages bundled without relocation under %s (add a <relocation>)", SHADED)
        .isEmpty();
  }

  @Test
  void theAgentsOpenTelemetryAndCompileOnlyAnnotationsAreNotBundled() throws IOException {
    assertThat(entries())
        .as("the agent provides OpenTelemetry; JSpecify is only for compilers")
        .noneMatch(n -> n.contains("io/opentelemetry/") || n.contains("org/jspecify/"))
        .anyMatch(n -> n.startsWith(SHADED + "reactor/core/"))
        .anyMatch(n -> n.startsWith(SHADED + "com/github/mustachejava/"));
  }

  @Test
  void ourClassesReferToBundledLibrariesOnlyByTheirRelocatedNames() throws IOException {
    TreeSet<String> unrelocated = new TreeSet<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (ZipEntry e : Collections.list(zip.entries())) {
        String name = e.getName();
        if (!name.endsWith(".class") || !name.startsWith(OWN) || name.startsWith(SHADED)) {
          continue;
        }
        String text;
        try (InputStream in = zip.getInputStream(e)) {
          // Latin-1 keeps one char per byte: class, descriptor and string constants are ASCII here.
          text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        for (String pkg : BUNDLED) {
          for (String form : List.of(pkg, pkg.replace('/', '.'))) {
            String prefix = form.endsWith("/") ? "shaded/" : "shaded.";
            for (int i = text.indexOf(form); i >= 0; i = text.indexOf(form, i + 1)) {
              if (!text.startsWith(prefix, i - prefix.length())) {
                unrelocated.add(name + " -> " + form);
              }
            }
          }
        }
      }
    }
    assertThat(unrelocated).as("references to bundled packages by their original names").isEmpty();
  }

  @Test
  void serviceFilesNameOurClassesForOurOrTheAgentsInterfaces() throws IOException {
    List<String> problems = new ArrayList<>();
    int services = 0;
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (ZipEntry e : Collections.list(zip.entries())) {
        String name = e.getName();
        if (e.isDirectory() || !name.startsWith("META-INF/services/")) {
          continue;
        }
        services++;
        String service = name.substring("META-INF/services/".length());
        if (!service.startsWith("dev.braintrust.reactive.") && !service.startsWith(AGENT_SPI)) {
          problems.add(name + ": an interface neither relocated nor the agent's");
        }
        try (BufferedReader in =
            new BufferedReader(
                new InputStreamReader(zip.getInputStream(e), StandardCharsets.UTF_8))) {
          in.lines()
              .map(l -> l.replaceAll("#.*", "").trim())
              .filter(l -> !l.isEmpty())
              .filter(l -> !l.startsWith("dev.braintrust.reactive."))
              .forEach(l -> problems.add(name + ": implementation " + l + " is not relocated"));
        }
      }
    }
    assertThat(services).isPositive();
    assertThat(problems).isEmpty();
  }

  @Test
  void theRelocatedMustacheAndJacksonRenderAPromptTemplate() throws Exception {
    // Only the jar and the JDK: what the agent's extension class loader sees of it.
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
      Class<?> templates =
          Class.forName("dev.braintrust.reactive.transport.internal.Templates", true, loader);
      Method render = templates.getMethod("render", String.class, Map.class);

      Object out =
          render.invoke(
              null,
              "Hello {{name}}: {{#items}}[{{.}}]{{/items}} {{data}}",
              Map.of("name", "Ada", "items", List.of("a", "b"), "data", Map.of("k", 1)));

      assertThat(out).isEqualTo("Hello Ada: [a][b] {\"k\":1}");
    }
  }
}
