package dev.braintrust.reactive.examples.docs;

import dev.braintrust.reactive.examples.docs.MarkdownSnippets.Snippet;
import dev.braintrust.reactive.examples.docs.MarkdownSnippets.Source;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.jspecify.annotations.Nullable;

/** Compiles snippets with the JDK's compiler against a class path and says where each one fails. */
final class SnippetCompiler {

  private static final int MAX_ERRORS_PER_BLOCK = 3;

  private final String classPath;

  SnippetCompiler(String classPath) {
    this.classPath = classPath;
  }

  /**
   * The class path the tests run with. Surefire starts its JVM with a manifest-only jar, so {@code
   * java.class.path} may name only that jar; it also sets {@code surefire.test.class.path} to the
   * real one, which we prefer.
   */
  static SnippetCompiler forTestClassPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    String cp =
        surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    return new SnippetCompiler(cp);
  }

  /**
   * Compiles every snippet that is not skipped; returns one message per failing snippet, naming the
   * file, the markdown line and the compiler's message (empty when all compile).
   */
  List<String> compile(List<Snippet> snippets) {
    List<Source> sources = new ArrayList<>();
    for (Snippet s : snippets) {
      if (!s.skip()) {
        sources.add(MarkdownSnippets.toSource(s, "snippet" + sources.size()));
      }
    }
    if (sources.isEmpty()) {
      return List.of();
    }
    // One compilation for all (a compiler task per block costs seconds each on a busy machine);
    // then each failing block again on its own, so its messages can't come from another block.
    List<Problem> all = run(sources);
    Set<Source> failing = new LinkedHashSet<>();
    for (Problem e : all) {
      if (e.source() == null) {
        return List.of(e.message());
      }
      failing.add(e.source());
    }
    List<String> failures = new ArrayList<>();
    for (Source source : failing) {
      List<Problem> errors = run(List.of(source));
      if (errors.isEmpty()) {
        // Fails only beside the others: report what the shared run said.
        all.stream().filter(e -> e.source() == source).forEach(e -> errors.add(e));
      }
      // The first errors say what is wrong; the rest of a block without imports only repeats it.
      errors.stream().limit(MAX_ERRORS_PER_BLOCK).forEach(e -> failures.add(e.message()));
      if (errors.size() > MAX_ERRORS_PER_BLOCK) {
        failures.add(
            source.snippet().where()
                + ": ... and "
                + (errors.size() - MAX_ERRORS_PER_BLOCK)
                + " more errors");
      }
    }
    return failures;
  }

  /** A compiler error, with the snippet it is in ({@code null}: in none). */
  private record Problem(@Nullable Source source, String message) {}

  private List<Problem> run(List<Source> sources) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("no Java compiler in this runtime (a JRE, not a JDK?)");
    }
    Path out = createTempDirectory();
    try {
      DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
      Map<JavaFileObject, Source> byFile = new IdentityHashMap<>();
      for (Source s : sources) {
        byFile.put(new InMemorySource(s), s);
      }
      try (StandardJavaFileManager files =
          javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
        List<String> options =
            List.of(
                "-classpath",
                classPath,
                "-d",
                out.toString(),
                "-proc:none",
                "-parameters",
                "-Xlint:none",
                "-nowarn",
                "-Xmaxerrs",
                "10000",
                // Attribute every file even after a syntax error in one, so all failing blocks
                // are reported in one run.
                "-XDshould-stop.ifError=FLOW");
        Boolean ok = javac.getTask(null, files, diagnostics, options, null, byFile.keySet()).call();
        List<Problem> messages = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
          if (d.getKind() != Diagnostic.Kind.ERROR) {
            continue;
          }
          Source s = d.getSource() == null ? null : byFile.get(d.getSource());
          String where =
              s == null
                  ? "(no source)"
                  : s.snippet().file() + ":" + s.markdownLine(d.getLineNumber());
          messages.add(
              new Problem(
                  s,
                  where
                      + " (block at line "
                      + (s == null ? "?" : s.snippet().line())
                      + "): "
                      + d.getMessage(Locale.ROOT)));
        }
        if (!ok && messages.isEmpty()) {
          messages.add(new Problem(null, "the compiler failed without an error message"));
        }
        return messages;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(out);
    }
  }

  private static Path createTempDirectory() {
    try {
      return Files.createTempDirectory("doc-snippets");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      // A temporary directory left behind is not worth failing the test for.
    }
  }

  /** A source held in memory, at the path javac expects for its package and type. */
  private static final class InMemorySource extends SimpleJavaFileObject {
    private final String text;

    InMemorySource(Source s) {
      super(
          URI.create("string:///" + s.packageName() + "/" + s.typeName() + Kind.SOURCE.extension),
          Kind.SOURCE);
      this.text = s.text();
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return text;
    }
  }
}
