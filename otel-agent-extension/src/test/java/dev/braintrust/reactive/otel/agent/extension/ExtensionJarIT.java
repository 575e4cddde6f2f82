package dev.braintrust.reactive.otel.agent.extension;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
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
          "com/fasterxml/jackson/",
          "io/micrometer/",
          "org/HdrHistogram/",
          "org/LatencyUtils/");

  /** Issue 35: the extension's size goal, so a new bundled library can't creep past it. */
  private static final long MAX_JAR_BYTES = 6_000_000;

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
        .anyMatch(n -> n.startsWith(SHADED + "reactor/core/"));
  }

  @Test
  void itSendsWithTheJdkHttpClientSoNoNettyIsBundledAndItStaysSmall() throws IOException {
    assertThat(entries())
        .as("the JDK HttpClient sends: no Netty, no Reactor Netty, no typed API client")
        .noneMatch(n -> n.contains("io/netty/"))
        .noneMatch(n -> n.contains("reactor/netty/"))
        .noneMatch(n -> n.contains("mustachejava/"))
        .noneMatch(n -> n.startsWith(OWN + "transport/internal/"))
        .anyMatch(n -> n.startsWith(OWN + "transport/jdk/JdkTransport"));
    assertThat(Files.size(jar)).as("the extension jar's bytes").isLessThanOrEqualTo(MAX_JAR_BYTES);
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
  void theBundledExporterDeliversASpanThroughTheJdkClientWithOnlyTheJarAndTheJdk()
      throws Exception {
    List<byte[]> bodies = Collections.synchronizedList(new ArrayList<>());
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (GZIPInputStream in = new GZIPInputStream(exchange.getRequestBody())) {
            bodies.add(in.readAllBytes());
          }
          byte[] ok = "{\"row_ids\":[\"a\"]}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, ok.length);
          exchange.getResponseBody().write(ok);
          exchange.close();
        });
    server.start();
    // Only the jar and the JDK: what the agent's extension class loader sees of it. The whole
    // exporter runs (its meters too: Micrometer is minimized in the jar) over the JDK sender.
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
      Object builder = call(load(loader, "transport.jdk.JdkTransport"), null, "builder");
      call(builder.getClass(), builder, "apiKey", "sk-test");
      call(
          builder.getClass(),
          builder,
          "baseUrl",
          "http://127.0.0.1:" + server.getAddress().getPort());
      Object transport = call(builder.getClass(), builder, "build");
      Class<?> exporterType = load(loader, "core.export.BraintrustExporter");
      Object exporterBuilder = call(exporterType, null, "builder", transport);
      Object exporter = call(exporterBuilder.getClass(), exporterBuilder, "build");
      Object destination = call(load(loader, "core.Destination"), null, "projectLogs", "p1");
      Class<?> tracerType = load(loader, "core.Tracer");
      Object tracer = call(tracerType, null, "create", exporter, destination);
      Object span = call(tracerType, tracer, "startSpan", "from the jar");
      call(load(loader, "core.Span"), span, "end");
      Object flush = call(exporterType, exporter, "flush");
      Class<?> mono =
          Class.forName(SHADED.replace('/', '.') + "reactor.core.publisher.Mono", true, loader);
      call(mono, flush, "block", Duration.ofSeconds(60));
      Object stats = call(exporterType, exporter, "stats");
      call(exporterType, exporter, "close");

      assertThat(call(stats.getClass(), stats, "delivered")).isEqualTo(1L);
      assertThat(bodies).hasSize(1);
      assertThat(new String(bodies.get(0), StandardCharsets.UTF_8)).contains("from the jar");
    } finally {
      server.stop(0);
    }
  }

  private static Class<?> load(ClassLoader loader, String name) throws ClassNotFoundException {
    return Class.forName("dev.braintrust.reactive." + name, true, loader);
  }

  /** Calls the public method of that name taking as many arguments (the classes' own types). */
  private static Object call(Class<?> type, Object target, String name, Object... args)
      throws Exception {
    for (Method m : type.getMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == args.length) {
        boolean fits = true;
        for (int i = 0; i < args.length; i++) {
          fits &= m.getParameterTypes()[i].isInstance(args[i]);
        }
        if (fits) {
          return m.invoke(target, args);
        }
      }
    }
    throw new NoSuchMethodException(type.getName() + "." + name);
  }
}
