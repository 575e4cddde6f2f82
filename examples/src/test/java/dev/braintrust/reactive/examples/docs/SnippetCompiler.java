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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

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
   * Compiles every snippet that is not skipped; returns one message per failing snippet, naming
   * the file, the markdown line and the compiler's message (empty when all compile).
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
    // then each failing block again on its own, so its message can't come from another block.
    List<String> all = run(sources);
    if (all.isEmpty()) {
      return all;
    }
    List<String> failures = new ArrayList<>();
    for (Source source : sources) {
      if (all.stream().noneMatch(m -> m.startsWith(source.snippet().file() + ":")
          && m.contains("(block at line " + source.snippet().line() + ")"))) {
        continue;
      }
      List<String> errors = run(List.of(source));
      // The first errors say what is wrong; the rest of a block without imports only repeats it.
      failures.addAll(errors.subList(0, Math.min(errors.size(), MAX_ERRORS_PER_BLOCK)));
      if (errors.size() > MAX_ERRORS_PER_BLOCK) {
        failures.add(
            source.snippet().where() + ": ... and " + (errors.size() - MAX_ERRORS_PER_BLOCK) + " more errors");
      }
    }
    return failures.isEmpty() ? all : failures;
  }

  private List<String> run(List<Source> sources) {
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
      try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
        List<String> options =
            List.of(
                "-classpath", classPath, "-d", out.toString(), "-proc:none", "-parameters",
                "-Xlint:none", "-nowarn", "-Xmaxerrs", "10000",
                // Attribute every file even after a syntax error in one, so all failing blocks
                // are reported in one run.
                "-XDshould-stop.ifError=FLOW");
        Boolean ok = javac.getTask(null, files, diagnostics, options, null, byFile.keySet()).call();
        List<String> messages = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
          if (d.getKind() != Diagnostic.Kind.ERROR) {
            continue;
          }
          Source s = d.getSource() == null ? null : byFile.get(d.getSource());
          String where =
              s == null ? "(no source)" : s.snippet().file() + ":" + s.markdownLine(d.getLineNumber());
          messages.add(
              where
                  + " (block at line "
                  + (s == null ? "?" : s.snippet().line())
                  + "): "
                  + d.getMessage(Locale.ROOT));
        }
        if (!ok && messages.isEmpty()) {
          messages.add("the compiler failed without an error message");
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
